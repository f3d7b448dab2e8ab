using AutoResearch.Cli;

namespace AutoResearch.Web.Tests;

/// <summary>Runs <c>autoresearch</c> commands in-process (stdout and stderr captured together), as the console tests' CLI checks do.</summary>
internal static class InProcessCli
{
    /// <summary>Runs the command given by <paramref name="args"/>; its exit code and what it wrote.</summary>
    public static async Task<(int Exit, string Output)> RunAsync(params string[] args)
    {
        var (output, error) = (Console.Out, Console.Error);
        using var captured = new StringWriter();
        Console.SetOut(captured);
        Console.SetError(captured);
        try
        {
            var exit = await CliApp.Build().Parse(args).InvokeAsync();
            return (exit, captured.ToString());
        }
        finally
        {
            Console.SetOut(output);
            Console.SetError(error);
        }
    }
}
