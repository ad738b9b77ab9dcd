using System.Collections.Immutable;
using SignalReplay.Core.Features;

namespace SignalReplay.Core.Generation;

/// <summary>
/// A plugin: a public class with a parameterless constructor in a class library that references SignalReplay.Core. When the
/// host loads the library it creates the class once and calls <see cref="Register"/>, which adds the plugin's strategies,
/// classifiers and features. The built-in ones are registered the same way (<see cref="BuiltInDeciders"/>).
/// </summary>
public interface ISignalReplayPlugin
{
    void Register(IExtensionRegistry registry);
}

/// <summary>What a plugin registers with. Every name is unique across the host: a clash is refused, naming both sides.</summary>
public interface IExtensionRegistry
{
    /// <summary>
    /// A strategy called <paramref name="name"/> (what run configs write), made from the series it reads and its
    /// <see cref="Parameters"/> (read there with their defaults and ranges); it needs at least <paramref name="minimumSeries"/> series.
    /// </summary>
    void AddStrategy<T>(string name, Func<IReadOnlyList<SeriesId>, Parameters, T> create, string summary, int minimumSeries = 1)
        where T : Strategy;

    /// <summary>A classifier called <paramref name="name"/>; see <see cref="AddStrategy{T}"/>.</summary>
    void AddClassifier<T>(string name, Func<IReadOnlyList<SeriesId>, Parameters, T> create, string summary, int minimumSeries = 1)
        where T : Classifier;

    /// <summary>
    /// A feature kind over one series (<see cref="FeatureRequest.Kind"/> <paramref name="name"/>) taking <paramref name="parameters"/>
    /// numbers, with its <paramref name="outputs"/> (the first is <c>value</c>; others are read by <see cref="IBarFeature.Output"/>).
    /// </summary>
    void AddFeature<T>(string name, int parameters, IReadOnlyList<string> outputs, Func<IReadOnlyList<double>, T> create, string summary)
        where T : IBarFeature;

    /// <summary>A feature kind over two series (<see cref="FeatureRequest.Other"/>): each bar of its own series with the other's latest close.</summary>
    void AddPairedFeature<T>(string name, int parameters, Func<IReadOnlyList<double>, T> create, string summary)
        where T : IPairedFeature;
}

/// <summary>
/// Where a decider or feature comes from: SignalReplay.Core itself, or a plugin assembly with its version and the sha256 of
/// its file. Signal-set ids include a plugin's <see cref="Identity"/>, so changed plugin code never reuses old signals.
/// </summary>
public sealed record ExtensionOrigin(string Assembly, string Version, string? Sha256 = null, string? Path = null)
{
    public static ExtensionOrigin BuiltIn { get; } = new("SignalReplay.Core", ExtensionApi.CoreVersion.ToString());

    public bool IsBuiltIn => Sha256 is null;

    /// <summary><c>MyPlugin@1.0.0.0 sha256:...</c>; built-ins are covered by the engine version instead.</summary>
    public string Identity => IsBuiltIn ? "built-in" : $"{Assembly}@{Version} sha256:{Sha256}";

    public override string ToString() => IsBuiltIn ? "built-in" : $"{Assembly} {Version} ({Path})";
}

/// <summary>The extension API's version: SignalReplay.Core's major version. A plugin built against another major version is refused.</summary>
public static class ExtensionApi
{
    public static Version CoreVersion { get; } = typeof(ExtensionApi).Assembly.GetName().Version ?? new Version(1, 0);

    public static int Version => CoreVersion.Major;

    /// <summary>Refuses a plugin built against SignalReplay.Core <paramref name="builtAgainst"/> when its major version is not this host's.</summary>
    public static void Check(string plugin, Version builtAgainst)
    {
        if (builtAgainst.Major != Version)
        {
            throw new PluginException(
                $"Plugin {plugin} was built against SignalReplay.Core {builtAgainst} (extension API {builtAgainst.Major}); this host has SignalReplay.Core {CoreVersion} "
                + $"(extension API {Version}): rebuild the plugin against SignalReplay.Core {Version}.x.");
        }
    }
}

/// <summary>A plugin that cannot be loaded: the message names the assembly (and the type, where one is at fault).</summary>
public sealed class PluginException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>One parameter a decider reads: its name, kind (<c>int</c>, <c>number</c> or <c>flag</c>), default and range.</summary>
public sealed record ParameterDeclaration(string Name, string Type, double Default, double Minimum, double Maximum);

/// <summary>A registered strategy or classifier: name, what it is, where it comes from, and its parameters (read from an instance made with the defaults).</summary>
public sealed record DeciderDefinition(string Name, string Summary, int MinimumSeries, ExtensionOrigin Origin, string Type, IReadOnlyList<ParameterDeclaration> Parameters);

/// <summary>A registered feature kind: name, parameter count, outputs, and where it comes from.</summary>
public sealed record FeatureDefinition(string Name, string Summary, int Parameters, IReadOnlyList<string> Outputs, bool Paired, ExtensionOrigin Origin, string Type)
{
    internal Func<IReadOnlyList<double>, IBarFeature>? Create { get; init; }

    internal Func<IReadOnlyList<double>, IPairedFeature>? CreatePaired { get; init; }
}

/// <summary>
/// Every strategy, classifier and feature this process knows, by name: the built-ins, then what plugins registered. Reads take a
/// snapshot, so a registration (at start, by the plugin loader) never disturbs generation in flight.
/// </summary>
public sealed class DeciderRegistry
{
    private readonly Lock _writing = new();
    private ImmutableSortedDictionary<string, (DeciderDefinition Definition, Func<IReadOnlyList<SeriesId>, Parameters, Strategy> Create)> _strategies =
        ImmutableSortedDictionary.Create<string, (DeciderDefinition, Func<IReadOnlyList<SeriesId>, Parameters, Strategy>)>(StringComparer.Ordinal);
    private ImmutableSortedDictionary<string, (DeciderDefinition Definition, Func<IReadOnlyList<SeriesId>, Parameters, Classifier> Create)> _classifiers =
        ImmutableSortedDictionary.Create<string, (DeciderDefinition, Func<IReadOnlyList<SeriesId>, Parameters, Classifier>)>(StringComparer.Ordinal);
    private ImmutableSortedDictionary<string, FeatureDefinition> _features = ImmutableSortedDictionary.Create<string, FeatureDefinition>(StringComparer.Ordinal);

    /// <summary>The process's registry: the built-ins, and every plugin loaded into this process.</summary>
    public static DeciderRegistry Default { get; } = WithBuiltIns();

    /// <summary>A registry of the built-ins only.</summary>
    public static DeciderRegistry WithBuiltIns()
    {
        var registry = new DeciderRegistry();
        registry.Add(new BuiltInDeciders(), ExtensionOrigin.BuiltIn);
        return registry;
    }

    public IReadOnlyList<DeciderDefinition> Strategies => [.. _strategies.Values.Select(s => s.Definition)];

    public IReadOnlyList<DeciderDefinition> Classifiers => [.. _classifiers.Values.Select(c => c.Definition)];

    public IReadOnlyList<FeatureDefinition> Features => [.. _features.Values];

    private ImmutableList<LoadedPlugin> _plugins = [];

    /// <summary>The plugin assemblies loaded into this registry, in loading order.</summary>
    public IReadOnlyList<LoadedPlugin> Plugins => _plugins;

    internal void Loaded(LoadedPlugin plugin)
    {
        lock (_writing)
        {
            _plugins = _plugins.Add(plugin);
        }
    }

    /// <summary>
    /// Registers what <paramref name="plugin"/> adds, all or nothing: a name another origin has, or a decider whose defaults do
    /// not make an instance of that name, refuses the whole plugin.
    /// </summary>
    public void Add(ISignalReplayPlugin plugin, ExtensionOrigin origin)
    {
        lock (_writing)
        {
            var registrar = new Registrar(this, origin);
            plugin.Register(registrar);
            (_strategies, _classifiers, _features) = (registrar.Strategies, registrar.Classifiers, registrar.Features);
        }
    }

    /// <summary>Strategy <paramref name="name"/> on <paramref name="series"/>; a parameter it does not read is refused, naming those it does.</summary>
    public Strategy Strategy(string name, IReadOnlyList<SeriesId> series, IReadOnlyDictionary<string, double>? parameters = null) =>
        _strategies.TryGetValue(name, out var entry)
            ? Made(name, parameters, p => entry.Create(series, p))
            : throw new ArgumentException($"Unknown strategy '{name}'; known strategies are {string.Join(", ", _strategies.Keys)}.");

    /// <summary>Classifier <paramref name="name"/> on <paramref name="series"/>; see <see cref="Strategy"/>.</summary>
    public Classifier Classifier(string name, IReadOnlyList<SeriesId> series, IReadOnlyDictionary<string, double>? parameters = null) =>
        _classifiers.TryGetValue(name, out var entry)
            ? Made(name, parameters, p => entry.Create(series, p))
            : throw new ArgumentException($"Unknown classifier '{name}'; known classifiers are {string.Join(", ", _classifiers.Keys)}.");

    private static T Made<T>(string name, IReadOnlyDictionary<string, double>? given, Func<Parameters, T> create)
    {
        var parameters = new Parameters(name, given ?? new Dictionary<string, double>());
        var decider = create(parameters);
        parameters.RejectUnknown(); // after the constructor: it may read parameters before or after the base constructor
        return decider;
    }

    /// <summary>The feature kind <paramref name="name"/>, or an error listing the known ones.</summary>
    public FeatureDefinition Feature(string name) =>
        _features.TryGetValue(name, out var feature)
            ? feature
            : throw new ArgumentException($"Unknown feature '{name}'; known features are {string.Join(", ", _features.Keys)}.");

    /// <summary>
    /// Where the code of <paramref name="decider"/> and of every feature it reads comes from, for those that come from plugins:
    /// <c>strategy rsi_divergence</c> -> its plugin's identity. Empty for built-ins only.
    /// </summary>
    public IEnumerable<KeyValuePair<string, string>> CodeOf(Decider decider)
    {
        var own = decider is Strategy ? _strategies.GetValueOrDefault(decider.Kind).Definition : _classifiers.GetValueOrDefault(decider.Kind).Definition;
        if (own is { Origin.IsBuiltIn: false })
        {
            yield return KeyValuePair.Create($"{(decider is Strategy ? "strategy" : "classifier")} {decider.Kind}", own.Origin.Identity);
        }

        foreach (var kind in decider.Features.Select(f => f.Kind).Distinct(StringComparer.Ordinal))
        {
            if (_features.GetValueOrDefault(kind) is { Origin.IsBuiltIn: false } feature)
            {
                yield return KeyValuePair.Create($"feature {kind}", feature.Origin.Identity);
            }
        }
    }

    /// <summary>Collects one plugin's registrations on copies of the registry's tables, checking each.</summary>
    private sealed class Registrar(DeciderRegistry registry, ExtensionOrigin origin) : IExtensionRegistry
    {
        public ImmutableSortedDictionary<string, (DeciderDefinition Definition, Func<IReadOnlyList<SeriesId>, Parameters, Strategy> Create)> Strategies { get; private set; } = registry._strategies;

        public ImmutableSortedDictionary<string, (DeciderDefinition Definition, Func<IReadOnlyList<SeriesId>, Parameters, Classifier> Create)> Classifiers { get; private set; } = registry._classifiers;

        public ImmutableSortedDictionary<string, FeatureDefinition> Features { get; private set; } = registry._features;

        public void AddStrategy<T>(string name, Func<IReadOnlyList<SeriesId>, Parameters, T> create, string summary, int minimumSeries = 1)
            where T : Strategy
        {
            var definition = Decider("strategy", name, typeof(T), summary, minimumSeries, Strategies.GetValueOrDefault(name).Definition, (series, p) => create(series, p));
            Strategies = Strategies.Add(name, (definition, (series, p) => create(series, p)));
        }

        public void AddClassifier<T>(string name, Func<IReadOnlyList<SeriesId>, Parameters, T> create, string summary, int minimumSeries = 1)
            where T : Classifier
        {
            var definition = Decider("classifier", name, typeof(T), summary, minimumSeries, Classifiers.GetValueOrDefault(name).Definition, (series, p) => create(series, p));
            Classifiers = Classifiers.Add(name, (definition, (series, p) => create(series, p)));
        }

        public void AddFeature<T>(string name, int parameters, IReadOnlyList<string> outputs, Func<IReadOnlyList<double>, T> create, string summary)
            where T : IBarFeature
        {
            CheckFeature(name, typeof(T), parameters, outputs);
            Features = Features.Add(name, new FeatureDefinition(name, summary, parameters, outputs, Paired: false, origin, Describe(typeof(T))) { Create = p => create(p) });
        }

        public void AddPairedFeature<T>(string name, int parameters, Func<IReadOnlyList<double>, T> create, string summary)
            where T : IPairedFeature
        {
            CheckFeature(name, typeof(T), parameters, ["value"]);
            Features = Features.Add(name, new FeatureDefinition(name, summary, parameters, ["value"], Paired: true, origin, Describe(typeof(T))) { CreatePaired = p => create(p) });
        }

        private DeciderDefinition Decider(
            string what, string name, Type type, string summary, int minimumSeries, DeciderDefinition? existing, Func<IReadOnlyList<SeriesId>, Parameters, Decider> create)
        {
            CheckName(what, name, type, existing?.Origin, existing?.Type);
            if (minimumSeries < 1)
            {
                throw new PluginException($"{origin.Assembly}: {what} '{name}' ({Describe(type)}) must read at least one series, not {minimumSeries}.");
            }

            // Made once with its defaults: it must construct, and name its instances as registered; its reads are its parameters.
            var parameters = new Parameters(name, new Dictionary<string, double>());
            try
            {
                var probe = create([.. Enumerable.Range(0, minimumSeries).Select(i => SeriesId.Parse($"S{i}_1m"))], parameters);
                if (probe.Kind != name)
                {
                    throw new PluginException($"{origin.Assembly}: {Describe(type)}, registered as {what} '{name}', names its instances '{probe.Kind}'; pass '{name}' to the base constructor.");
                }
            }
            catch (Exception error) when (error is not PluginException)
            {
                throw new PluginException($"{origin.Assembly}: {what} '{name}' ({Describe(type)}) cannot be made with its default parameters on {minimumSeries} series: {error.Message}", error);
            }

            return new DeciderDefinition(name, summary, minimumSeries, origin, Describe(type), parameters.Declarations);
        }

        private void CheckFeature(string name, Type type, int parameters, IReadOnlyList<string> outputs)
        {
            var existing = Features.GetValueOrDefault(name);
            CheckName("feature", name, type, existing?.Origin, existing?.Type);
            if (outputs.Count == 0 || outputs[0] != "value" || outputs.Distinct(StringComparer.Ordinal).Count() != outputs.Count || parameters < 0)
            {
                throw new PluginException($"{origin.Assembly}: feature '{name}' ({Describe(type)}) needs 'value' as its first output, distinct outputs and a parameter count of 0 or more.");
            }
        }

        private void CheckName(string what, string name, Type type, ExtensionOrigin? existing, string? existingType)
        {
            if (name.Length == 0 || name.Any(c => !(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_')) || !char.IsAsciiLetterLower(name[0]))
            {
                throw new PluginException($"{origin.Assembly}: {what} name '{name}' ({Describe(type)}) must be lower-case letters, digits and '_', starting with a letter.");
            }

            if (existing is not null)
            {
                throw new PluginException(
                    $"{origin.Assembly}: {what} '{name}' ({Describe(type)}) clashes with the {what} of that name {(existing.IsBuiltIn ? "built into SignalReplay.Core" : $"from {existing.Assembly}")} ({existingType}); rename one.");
            }
        }

        private static string Describe(Type type) => type.FullName ?? type.Name;
    }
}

/// <summary>The deciders and features SignalReplay.Core ships, registered through the same API as any plugin.</summary>
public sealed class BuiltInDeciders : ISignalReplayPlugin
{
    public void Register(IExtensionRegistry registry)
    {
        registry.AddStrategy("momentum", (s, p) => new MomentumStrategy(s, p), "SMA crossover: long when fast crosses above slow, short (or flat) on the mirror cross");
        registry.AddStrategy("mean_reversion", (s, p) => new MeanReversionStrategy(s, p), "RSI bands: long below lower, short above upper, flat when RSI crosses 50");
        registry.AddStrategy("breakout", (s, p) => new BreakoutStrategy(s, p), "Donchian breakout: long above the previous channel high, short below its low");
        registry.AddStrategy("correlation_momentum", (s, p) => new CorrelationMomentumStrategy(s, p), "multi-series momentum, gated by return correlation", minimumSeries: 2);
        registry.AddClassifier("trend", (s, p) => new TrendClassifier(s, p), "TRENDING_UP / TRENDING_DOWN / NEUTRAL from two SMAs");
        registry.AddClassifier("volatility", (s, p) => new VolatilityClassifier(s, p), "LOW / NORMAL / HIGH from the rolling deviation of log returns");
        registry.AddFeature("sma", 1, ["value"], p => new Sma(Length(p)), "simple moving average of closes (length)");
        registry.AddFeature("ema", 1, ["value"], p => new Ema(Length(p)), "exponential moving average of closes (length)");
        registry.AddFeature("rsi", 1, ["value"], p => new Rsi(Length(p)), "Wilder's RSI (length)");
        registry.AddFeature("atr", 1, ["value"], p => new Atr(Length(p)), "Wilder's average true range (length)");
        registry.AddFeature("bollinger", 2, ["value", "upper", "lower"], p => new Bollinger(Length(p), p[1]), "Bollinger bands (length, width in deviations)");
        registry.AddFeature("volatility", 1, ["value"], p => new LogReturnVolatility(Length(p)), "rolling deviation of log returns (length)");
        registry.AddFeature("roc", 1, ["value"], p => new Roc(Length(p)), "rate of change (length)");
        registry.AddFeature("donchian", 1, ["value", "upper", "lower"], p => new Donchian(Length(p)), "Donchian channel of highs and lows (length)");
        registry.AddPairedFeature("correlation", 1, p => new ReturnCorrelation(Length(p)), "correlation of two series' returns (length)");
    }

    /// <summary>A feature's length parameter: a whole number from 1 to 1,000,000.</summary>
    public static int Length(IReadOnlyList<double> parameters)
    {
        var length = parameters[0];
        return length == Math.Floor(length) && length is >= 1 and <= 1_000_000
            ? (int)length
            : throw new ArgumentException($"length must be a whole number from 1 to 1,000,000, not {length}.");
    }
}
