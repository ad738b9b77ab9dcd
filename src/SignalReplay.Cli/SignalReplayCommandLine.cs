using System.CommandLine;

namespace SignalReplay.Cli;

/// <summary>The <c>signalreplay</c> command tree.</summary>
public static class SignalReplayCommandLine
{
    public static RootCommand Build()
    {
        var root = new RootCommand("SignalReplay: compute trading signals once, store them sparse, replay them into many portfolios.");
        return root;
    }
}
