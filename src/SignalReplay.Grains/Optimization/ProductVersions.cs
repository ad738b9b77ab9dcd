using System.Reflection;
using SignalReplay.Storage.Signals;

namespace SignalReplay.Grains.Optimization;

/// <summary>The versions a run's metadata records: the product build and the signal engine format.</summary>
public static class ProductVersions
{
    public static IReadOnlyDictionary<string, string> All { get; } = new SortedDictionary<string, string>(StringComparer.Ordinal)
    {
        ["product"] = typeof(ProductVersions).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown",
        ["signal_engine"] = SignalSetManifest.CurrentEngine,
        ["results_layout"] = "2",
    };
}
