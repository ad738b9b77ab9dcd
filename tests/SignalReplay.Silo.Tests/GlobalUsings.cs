global using Microsoft.Extensions.Configuration;
global using SignalReplay.Silo;
global using SignalReplay.TestSupport;
global using Xunit;
global using System.Diagnostics;
