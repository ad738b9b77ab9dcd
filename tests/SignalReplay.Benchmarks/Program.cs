using BenchmarkDotNet.Running;
using SignalReplay.Benchmarks;

// `-- storage [csv...]` prints the storage-footprint table of BENCHMARKS.md (byte counts, not
// timings); anything else goes to BenchmarkDotNet, e.g. `-- --filter '*Parquet*'`.
if (args.Length > 0 && args[0] == "storage")
{
    await StorageFootprint.RunAsync(args[1..]);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
