global using System.Diagnostics;
global using SignalReplay.TestSupport;
global using Xunit;
