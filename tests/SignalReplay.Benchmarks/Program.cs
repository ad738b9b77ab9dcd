using BenchmarkDotNet.Running;
using SignalReplay.Benchmarks;

// `-- storage [csv...]` prints the storage-footprint table of BENCHMARKS.md (byte counts, not
// timings); anything else goes to BenchmarkDotNet, e.g. `-- --filter '*Parquet*'`.
if (args.Length > 0 && args[0] == "storage")
{
    await StorageFootprint.RunAsync(args[1..]);
    return;
}

// `-- generation [runs]` times generation through grains against the in-process Core pipeline.
if (args.Length > 0 && args[0] == "generation")
{
    await GenerationThroughput.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 5);
    return;
}

// `-- replay [runs]` times the 500-portfolio replay sweep on grains against in-process and regeneration.
if (args.Length > 0 && args[0] == "replay")
{
    await ReplaySweep.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 5);
    return;
}

// `-- load` puts a silo host process under the bounded load of BENCHMARKS.md (run API submissions and listings).
if (args.Length > 0 && args[0] == "load")
{
    await ApiLoad.RunAsync();
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
