using Spectre.Console;

namespace AutoResearch.Cli.Display;

/// <summary>Consoles for progress output.</summary>
public static class ConsoleFactory
{
    /// <summary>A console on stderr, so stdout stays clean for machine-readable output.</summary>
    public static IAnsiConsole Stderr() => AnsiConsole.Create(new AnsiConsoleSettings
    {
        Out = new AnsiConsoleOutput(Console.Error),
    });
}
