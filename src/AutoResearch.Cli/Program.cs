using AutoResearch.Cli;
using Serilog;

Log.Logger = new LoggerConfiguration()
    .WriteTo.Console(standardErrorFromLevel: Serilog.Events.LogEventLevel.Verbose)
    .CreateBootstrapLogger();

try
{
    return await CliApp.Build().Parse(args).InvokeAsync();
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
