global using SignalReplay.Core.Data;
