using SignalReplay.Cli;

return await SignalReplayCommandLine.Build().Parse(args).InvokeAsync();
