global using Orleans;
global using SignalReplay.Core.Data;
global using SignalReplay.Core.Generation;
global using SignalReplay.Core.Optimization;
global using SignalReplay.Core.Portfolio;
global using SignalReplay.Core.Statistics;
