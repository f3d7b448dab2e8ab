using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace AutoResearch.Sandboxes.Tests;

/// <summary>Writes the runner's log to the test output (visible when a test fails).</summary>
internal sealed class TestOutputLogger<T>(ITestOutputHelper output) : ILogger<T>
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        try
        {
            output.WriteLine($"{DateTimeOffset.UtcNow:HH:mm:ss.fff} [{logLevel}] {formatter(state, exception)}{(exception is null ? "" : " " + exception)}");
        }
        catch (InvalidOperationException)
        {
            // The test already finished.
        }
    }
}
