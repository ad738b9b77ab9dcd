global using Orleans;
global using Orleans.Hosting;
global using Orleans.Runtime;
global using SignalReplay.Core.Data;
global using SignalReplay.Core.Statistics;
