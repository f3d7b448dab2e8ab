using System.CommandLine;
using AutoResearch.Web;

namespace AutoResearch.Cli.Commands;

/// <summary><c>autoresearch serve</c>: the web console on localhost, hosting the embedded silo (campaigns started there run in this process).</summary>
public static class ServeCommand
{
    public static Command Create(Option<string?> data)
    {
        var urls = new Option<string>("--urls")
        {
            Description = "Where to listen (ASP.NET Core URLs; use http://0.0.0.0:5080 to listen beyond this machine).",
            DefaultValueFactory = _ => "http://127.0.0.1:5080",
        };
        var command = new Command("serve", "Start the web console (sign in with the admin password; see README).") { urls };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var args = new List<string> { "--urls", parse.GetRequiredValue(urls) };
            if (parse.GetValue(data) is { Length: > 0 } directory)
                args.AddRange(["--AutoResearch:DataDirectory", directory]);
            var app = ConsoleApp.Build([.. args]);
            await Console.Error.WriteLineAsync($"AutoResearch console: {parse.GetRequiredValue(urls)} (Ctrl+C stops it)");
            await app.StartAsync(cancellationToken);
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C
            }
            await app.StopAsync(CancellationToken.None);
            await app.DisposeAsync();
            return 0;
        });
        return command;
    }
}
