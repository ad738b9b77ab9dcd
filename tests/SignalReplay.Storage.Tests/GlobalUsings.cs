global using SignalReplay.Core.Data;
global using SignalReplay.TestSupport;
global using Xunit;
global using System.Diagnostics;
global using SignalReplay.Storage.Parquet;
