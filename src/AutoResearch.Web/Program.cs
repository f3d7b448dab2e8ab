using Serilog;

namespace AutoResearch.Web;

/// <summary>Runs the console on its own (<c>dotnet run --project src/AutoResearch.Web</c>); <c>autoresearch serve</c> runs the same app.</summary>
public sealed class Program
{
    private Program()
    {
    }

    public static async Task<int> Main(string[] args)
    {
        Serilog.Log.Logger = new Serilog.LoggerConfiguration()
            .WriteTo.Console(standardErrorFromLevel: Serilog.Events.LogEventLevel.Verbose)
            .CreateBootstrapLogger();
        try
        {
            await ConsoleApp.Build(args).RunAsync();
            return 0;
        }
        catch (Exception ex) when (ex is not HostAbortedException)
        {
            Serilog.Log.Fatal(ex, "The console failed");
            return 1;
        }
        finally
        {
            await Serilog.Log.CloseAndFlushAsync();
        }
    }
}
