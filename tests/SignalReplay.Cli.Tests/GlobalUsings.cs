global using SignalReplay.Core.Data;
global using SignalReplay.TestSupport;
global using Xunit;
