using System.CommandLine;
using AutoResearch.Cli;
using Serilog;

Log.Logger = new LoggerConfiguration()
    .WriteTo.Console(standardErrorFromLevel: Serilog.Events.LogEventLevel.Verbose)
    .CreateBootstrapLogger();

using var interruption = new Interruption();
try
{
    return await CliApp.Build().Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null }, interruption.Token);
}
catch (Exception ex)
{
    Log.Fatal(ex, "autoresearch failed");
    return 1;
}
finally
{
    await Log.CloseAndFlushAsync();
}
