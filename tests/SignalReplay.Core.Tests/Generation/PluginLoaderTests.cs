using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using SignalReplay.Core.Generation;

namespace SignalReplay.Core.Tests.Generation;

/// <summary>
/// Plugin assemblies compiled here (Roslyn) and loaded into a registry of the built-ins: one that works, and each refusal with
/// its message. The process's own registry is never touched.
/// </summary>
public sealed class PluginLoaderTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("plugins-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (UnauthorizedAccessException)
        {
            // a loaded assembly's file stays open on some systems; the temp folder is cleaned later
        }
    }

    private const string Squeeze = """
        using SignalReplay.Core.Data;
        using SignalReplay.Core.Generation;
        namespace Good;
        public sealed class Plugin : ISignalReplayPlugin
        {
            public void Register(IExtensionRegistry registry) => registry.AddStrategy("always_long", (s, p) => new AlwaysLong(s, p), "long from the first bar");
        }
        public sealed class AlwaysLong : Strategy
        {
            public AlwaysLong(System.Collections.Generic.IReadOnlyList<SeriesId> series, Parameters p) : base("always_long", series, Read(p)) { }
            private static Parameters Read(Parameters p) { p.Number("size", 1, 0, 1); return p; }
            public override System.Collections.Generic.IReadOnlyList<FeatureRequest> Features { get; } = [];
            public override double Decide(DecisionContext context) => 1;
        }
        """;

    private static readonly IReadOnlyList<string> Platform =
        [.. ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator).Where(p => !Path.GetFileName(p).StartsWith("SignalReplay.Core", StringComparison.Ordinal))];

    /// <summary>Compiles <paramref name="code"/> into <c>{folder}/{name}.dll</c> against the platform, <paramref name="references"/> and (unless told not to) SignalReplay.Core.</summary>
    private string Compile(string folder, string name, string code, IEnumerable<string>? references = null, bool core = true)
    {
        var directory = Directory.CreateDirectory(Path.Combine(_root, folder)).FullName;
        var compilation = CSharpCompilation.Create(
            name,
            [CSharpSyntaxTree.ParseText(code, new CSharpParseOptions(LanguageVersion.Latest))],
            [.. Platform.Concat(references ?? []).Concat(core ? [typeof(Strategy).Assembly.Location] : []).Select(p => MetadataReference.CreateFromFile(p))],
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        var path = Path.Combine(directory, $"{name}.dll");
        var emitted = compilation.Emit(path);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        return path;
    }

    private static PluginException Refused(string path, DeciderRegistry? registry = null) =>
        Assert.Throws<PluginException>(() => PluginLoader.Load([path], registry ?? DeciderRegistry.WithBuiltIns()));

    [Fact]
    public void A_plugin_registers_its_strategy_which_names_its_code_and_loads_once()
    {
        var registry = DeciderRegistry.WithBuiltIns();
        var path = Compile("good", "Good", Squeeze);

        var loaded = Assert.Single(PluginLoader.Load([path, path], registry));

        var definition = registry.Strategies.Single(s => s.Name == "always_long");
        Assert.Equal(("Good", "Good.AlwaysLong", "size"), (definition.Origin.Assembly, definition.Type, Assert.Single(definition.Parameters).Name));
        var strategy = registry.Strategy("always_long", [SeriesId.Parse("SPY_1d")]);
        Assert.Equal(1, strategy.Decide(new DecisionContext()));
        Assert.Equal(
            [KeyValuePair.Create("strategy always_long", $"Good@0.0.0.0 sha256:{loaded.Origin.Sha256}")],
            registry.CodeOf(strategy));
        Assert.Empty(registry.CodeOf(registry.Strategy("momentum", [SeriesId.Parse("SPY_1d")])));
        Assert.Single(registry.Plugins);
        Assert.DoesNotContain(DeciderRegistry.Default.Strategies, s => s.Name == "always_long");
    }

    [Fact]
    public void A_name_the_built_ins_have_is_refused_naming_both_types()
    {
        var path = Compile("clash", "Clash", Squeeze.Replace("\"always_long\"", "\"momentum\"", StringComparison.Ordinal));

        var error = Refused(path);

        Assert.Equal(
            "Clash: strategy 'momentum' (Good.AlwaysLong) clashes with the strategy of that name built into SignalReplay.Core (SignalReplay.Core.Generation.MomentumStrategy); rename one.",
            error.Message);
    }

    [Fact]
    public void A_missing_dependency_is_refused_naming_it()
    {
        var dependency = Compile("dependency", "Helper", "namespace Helper; public static class Names { public static string Strategy => \"always_long\"; }");
        var path = Compile("needy", "Needy", Squeeze.Replace("registry.AddStrategy(\"always_long\"", "registry.AddStrategy(Helper.Names.Strategy", StringComparison.Ordinal), [dependency]);

        var error = Refused(path);

        Assert.StartsWith("Plugin Needy: Good.Plugin needs an assembly that is missing: Helper, Version=0.0.0.0", error.Message);
        Assert.EndsWith("Build or publish the plugin with its dependencies into its folder.", error.Message);
    }

    [Fact]
    public void A_plugin_whose_registration_throws_is_refused_naming_it_and_leaves_nothing_registered()
    {
        var registry = DeciderRegistry.WithBuiltIns();
        var path = Compile("throwing", "Throwing", Squeeze + """
            public sealed class Second : ISignalReplayPlugin
            {
                public void Register(IExtensionRegistry registry) => throw new System.InvalidOperationException("no licence file");
            }
            """);

        var error = Refused(path, registry);

        Assert.Equal("Plugin Throwing: Good.Second failed while registering: InvalidOperationException: no licence file", error.Message);
        Assert.DoesNotContain(registry.Strategies, s => s.Name == "always_long"); // the first class's strategy did not stay behind
        Assert.Empty(registry.Plugins);
    }

    [Fact]
    public void A_plugin_built_against_another_major_version_is_refused()
    {
        var fakeCore = Compile("core2", "SignalReplay.Core", """
            [assembly: System.Reflection.AssemblyVersion("2.0.0.0")]
            namespace SignalReplay.Core.Generation { public interface ISignalReplayPlugin { } }
            """, core: false);
        var path = Compile("future", "Future", "public sealed class Plugin : SignalReplay.Core.Generation.ISignalReplayPlugin { }", [fakeCore], core: false);

        var error = Refused(path);

        Assert.Equal(
            $"Plugin Future was built against SignalReplay.Core 2.0.0.0 (extension API 2); this host has SignalReplay.Core {ExtensionApi.CoreVersion} (extension API {ExtensionApi.Version}): rebuild the plugin against SignalReplay.Core {ExtensionApi.Version}.x.",
            error.Message);
    }

    [Fact]
    public void An_assembly_without_a_plugin_class_or_without_signalreplay_is_refused()
    {
        var empty = Compile("empty", "Empty", "using SignalReplay.Core.Generation; public sealed class NotAPlugin { public ISignalReplayPlugin? Other; }");
        var unrelated = Compile("unrelated", "Unrelated", "public sealed class Nothing { }", core: false);

        Assert.Equal($"Plugin Empty ({empty}) exports no plugin: no public class implements ISignalReplayPlugin.", Refused(empty).Message);
        Assert.Equal(
            $"Plugin Unrelated ({unrelated}) does not reference SignalReplay.Core: a plugin is a class library referencing the SignalReplay.Core package.",
            Refused(unrelated).Message);
    }

    [Fact]
    public void Paths_that_are_no_plugin_are_refused()
    {
        var text = Path.Combine(_root, "notes.txt");
        File.WriteAllText(text, "not a plugin");
        var folder = Directory.CreateDirectory(Path.Combine(_root, "nothing")).FullName;

        Assert.Equal($"Plugin {text} is not a .dll: give the plugin's assembly or the folder it was built into.", Refused(text).Message);
        Assert.Equal($"Plugin path {Path.Combine(_root, "missing")} does not exist.", Refused(Path.Combine(_root, "missing")).Message);
        Assert.Equal($"Plugin folder {folder} holds no plugin: no .dll with a .deps.json beside it (build the plugin's project into it).", Refused(folder).Message);
    }

    [Fact]
    public void A_decider_that_names_its_instances_otherwise_or_cannot_be_made_is_refused()
    {
        var misnamed = Compile("misnamed", "Misnamed", Squeeze.Replace("base(\"always_long\"", "base(\"other\"", StringComparison.Ordinal));
        var broken = Compile("broken", "Broken", Squeeze.Replace("p.Number(\"size\", 1, 0, 1)", "p.Number(\"size\", 5, 0, 1)", StringComparison.Ordinal));

        Assert.Equal(
            "Misnamed: Good.AlwaysLong, registered as strategy 'always_long', names its instances 'other'; pass 'always_long' to the base constructor.",
            Refused(misnamed).Message);
        Assert.Equal(
            "Broken: strategy 'always_long' (Good.AlwaysLong) cannot be made with its default parameters on 1 series: always_long: parameter 'size' must be from 0 to 1, not 5.",
            Refused(broken).Message);
    }
}
