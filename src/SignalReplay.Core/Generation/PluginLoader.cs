using System.Reflection;
using System.Runtime.Loader;
using System.Security.Cryptography;

namespace SignalReplay.Core.Generation;

/// <summary>A plugin assembly loaded into a registry: where it is, what it is, and the plugin classes it ran.</summary>
public sealed record LoadedPlugin(ExtensionOrigin Origin, IReadOnlyList<string> Plugins);

/// <summary>
/// Loads plugin assemblies, each in its own <see cref="AssemblyLoadContext"/>: the plugin and its private dependencies come from its
/// folder (as its <c>.deps.json</c> lists them), while SignalReplay.Core and every assembly the host already has are shared, so the
/// plugin's deciders are the host's <see cref="Strategy"/> and <see cref="Classifier"/> types. A path is a plugin's <c>.dll</c>, or a
/// folder whose plugins are the <c>.dll</c> files with a <c>.deps.json</c> beside them (a build or publish output), in name order.
/// </summary>
public static class PluginLoader
{
    /// <summary>
    /// Loads every plugin under <paramref name="paths"/> into <paramref name="registry"/>, each file's code once (the same file named
    /// twice, or a copy of it, is one plugin); the first that cannot be loaded stops it with a <see cref="PluginException"/>.
    /// </summary>
    public static IReadOnlyList<LoadedPlugin> Load(IEnumerable<string> paths, DeciderRegistry registry) =>
        [.. paths.SelectMany(Assemblies).Select(file => LoadOne(file, registry)).DistinctBy(p => p.Origin.Sha256)];

    private static IEnumerable<string> Assemblies(string path)
    {
        if (File.Exists(path))
        {
            return path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)
                ? [Path.GetFullPath(path)]
                : throw new PluginException($"Plugin {path} is not a .dll: give the plugin's assembly or the folder it was built into.");
        }

        if (!Directory.Exists(path))
        {
            throw new PluginException($"Plugin path {path} does not exist.");
        }

        var found = Directory.GetFiles(path, "*.dll")
            .Where(dll => File.Exists(Path.ChangeExtension(dll, ".deps.json")) && !IsHost(Path.GetFileNameWithoutExtension(dll)) && !PluginLoadContext.IsTrusted(Path.GetFileNameWithoutExtension(dll)))
            .Order(StringComparer.Ordinal)
            .Select(Path.GetFullPath)
            .ToList();
        return found.Count > 0
            ? found
            : throw new PluginException($"Plugin folder {path} holds no plugin: no .dll with a .deps.json beside it (build the plugin's project into it).");
    }

    private static LoadedPlugin LoadOne(string file, DeciderRegistry registry)
    {
        var name = Path.GetFileNameWithoutExtension(file);
        var sha256 = Sha256(file);
        if (registry.Plugins.FirstOrDefault(p => p.Origin.Sha256 == sha256) is { } loaded)
        {
            return loaded; // the same code again (the same file, or a copy of it): loaded once
        }

        Assembly assembly;
        try
        {
            assembly = new PluginLoadContext(file).LoadFromAssemblyPath(file);
        }
        catch (Exception error) when (error is BadImageFormatException or FileLoadException)
        {
            throw new PluginException($"Plugin {name} ({file}) is not a .NET assembly this host can load: {error.Message}", error);
        }

        var core = assembly.GetReferencedAssemblies().FirstOrDefault(a => a.Name == typeof(PluginLoader).Assembly.GetName().Name)
            ?? throw new PluginException($"Plugin {name} ({file}) does not reference SignalReplay.Core: a plugin is a class library referencing the SignalReplay.Core package.");
        ExtensionApi.Check(name, core.Version ?? new Version(0, 0));

        Type[] types;
        try
        {
            types = assembly.GetExportedTypes();
        }
        catch (Exception error) when (error is FileNotFoundException or FileLoadException or ReflectionTypeLoadException or TypeLoadException)
        {
            throw new PluginException($"Plugin {name} ({file}) needs an assembly that is missing: {Missing(error)}. Build or publish the plugin with its dependencies into its folder.", error);
        }

        var plugins = types.Where(t => typeof(ISignalReplayPlugin).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false }).OrderBy(t => t.FullName, StringComparer.Ordinal).ToList();
        if (plugins.Count == 0)
        {
            throw new PluginException($"Plugin {name} ({file}) exports no plugin: no public class implements ISignalReplayPlugin.");
        }

        var origin = new ExtensionOrigin(assembly.GetName().Name ?? name, assembly.GetName().Version?.ToString() ?? "0.0.0.0", sha256, file);
        var instances = plugins.Select(type => (Type: type, Plugin: Create(name, type))).ToList();
        try
        {
            // All of the assembly's plugin classes in one registration: a failure leaves none of them registered.
            registry.Add(new Together(instances), origin);
        }
        catch (Together.Failed failed) when (failed.InnerException is FileNotFoundException or FileLoadException or TypeLoadException)
        {
            throw new PluginException($"Plugin {name}: {failed.Type.FullName} needs an assembly that is missing: {Missing(failed.InnerException)}. Build or publish the plugin with its dependencies into its folder.", failed.InnerException);
        }
        catch (Together.Failed failed) when (failed.InnerException is not PluginException)
        {
            throw new PluginException($"Plugin {name}: {failed.Type.FullName} failed while registering: {failed.InnerException!.GetType().Name}: {failed.InnerException.Message}", failed.InnerException);
        }
        catch (Together.Failed failed)
        {
            throw failed.InnerException!;
        }

        var result = new LoadedPlugin(origin, [.. plugins.Select(t => t.FullName!)]);
        registry.Loaded(result);
        return result;
    }

    private static ISignalReplayPlugin Create(string name, Type type)
    {
        try
        {
            return (ISignalReplayPlugin)(Activator.CreateInstance(type) ?? throw new PluginException($"Plugin {name}: {type.FullName} could not be created."));
        }
        catch (Exception error) when (error is MissingMethodException or TargetInvocationException or FileNotFoundException or ArgumentException or NotSupportedException)
        {
            throw new PluginException($"Plugin {name}: {type.FullName} cannot be created (it needs a public parameterless constructor that succeeds): {Missing(error)}", error);
        }
    }

    /// <summary>An assembly's plugin classes registered as one, each failure tagged with the class it came from.</summary>
    private sealed class Together(IReadOnlyList<(Type Type, ISignalReplayPlugin Plugin)> plugins) : ISignalReplayPlugin
    {
        public void Register(IExtensionRegistry registry)
        {
            foreach (var (type, plugin) in plugins)
            {
                try
                {
                    plugin.Register(registry);
                }
                catch (Exception error)
                {
                    throw new Failed(type, error);
                }
            }
        }

        public sealed class Failed(Type type, Exception inner) : Exception(inner.Message, inner)
        {
            public Type Type => type;
        }
    }

    private static string Missing(Exception error) => error switch
    {
        FileNotFoundException { FileName: { } file } => file,
        ReflectionTypeLoadException { LoaderExceptions: [{ } first, ..] } => first is null ? error.Message : Missing(first),
        TargetInvocationException { InnerException: { } inner } => Missing(inner),
        _ => error.Message,
    };

    private static string Sha256(string file)
    {
        using var stream = File.OpenRead(file);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>An assembly the host has loaded already (SignalReplay.Core among them).</summary>
    private static bool IsHost(string name) => AssemblyLoadContext.Default.Assemblies.Any(a => a.GetName().Name == name);

    /// <summary>One plugin's context: its own dependencies from its folder, the host's shared.</summary>
    private sealed class PluginLoadContext(string file) : AssemblyLoadContext($"plugin {Path.GetFileNameWithoutExtension(file)}", isCollectible: false)
    {
        private readonly AssemblyDependencyResolver _resolver = new(file);

        protected override Assembly? Load(AssemblyName name)
        {
            if (name.Name is { } simple && (IsHost(simple) || IsTrusted(simple)))
            {
                return null; // the default context's copy: one SignalReplay.Core, one Strategy type
            }

            return _resolver.ResolveAssemblyToPath(name) is { } path ? LoadFromAssemblyPath(path) : null;
        }

        protected override IntPtr LoadUnmanagedDll(string unmanagedDllName) =>
            _resolver.ResolveUnmanagedDllToPath(unmanagedDllName) is { } path ? LoadUnmanagedDllFromPath(path) : IntPtr.Zero;

        /// <summary>An assembly of the host's application (its trusted platform assemblies), loaded yet or not.</summary>
        public static bool IsTrusted(string name) =>
            (AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string)?.Split(Path.PathSeparator)
                .Any(path => string.Equals(Path.GetFileNameWithoutExtension(path), name, StringComparison.Ordinal)) == true;
    }
}
