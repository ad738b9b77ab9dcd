using BenchmarkDotNet.Running;

// `dotnet run -c Release --project tests/SignalReplay.Benchmarks -- --filter '*'` runs the
// BenchmarkDotNet timings; the figures in BENCHMARKS.md name the exact command used.
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
