global using Orleans;
global using Orleans.Runtime;
global using SignalReplay.Grains;
global using SignalReplay.TestSupport;
global using Xunit;
