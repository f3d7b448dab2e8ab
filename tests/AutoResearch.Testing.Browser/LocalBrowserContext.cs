using Microsoft.Playwright;

namespace AutoResearch.Testing.Browser;

/// <summary>
/// A browser context from <see cref="HeadlessChromium.NewLocalContextAsync"/>: only local content loads (<see cref="Requests"/>),
/// and console errors and uncaught page errors are collected in <see cref="Errors"/>.
/// </summary>
public sealed class LocalBrowserContext : IAsyncDisposable
{
    private readonly Lock _lock = new();
    private readonly List<string> _errors = [];

    internal LocalBrowserContext(IBrowserContext context, LocalRequestGuard requests)
    {
        Context = context;
        Requests = requests;
        context.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                AddError($"console: {message.Text} ({message.Location})");
            }
        };
        context.WebError += (_, error) => AddError($"page error: {error.Error}");
    }

    /// <summary>The Playwright context.</summary>
    public IBrowserContext Context { get; }

    /// <summary>What the context tried to load, and what it was not allowed to.</summary>
    public LocalRequestGuard Requests { get; }

    /// <summary>Console messages of type error (a Content-Security-Policy violation is one) and uncaught page errors, in order.</summary>
    public IReadOnlyList<string> Errors
    {
        get
        {
            lock (_lock)
            {
                return [.. _errors];
            }
        }
    }

    /// <summary>Opens <paramref name="file"/> (a local path) in a new page and waits until it and everything it loads have loaded.</summary>
    public async Task<IPage> OpenFileAsync(string file)
    {
        ArgumentNullException.ThrowIfNull(file);
        var page = await Context.NewPageAsync().ConfigureAwait(false);
        var response = await page.GotoAsync(new Uri(Path.GetFullPath(file)).AbsoluteUri, new PageGotoOptions { WaitUntil = WaitUntilState.Load })
            .ConfigureAwait(false);
        if (response is { Ok: false })
        {
            throw new InvalidOperationException($"Opening {file} answered {response.Status} {response.StatusText}.");
        }

        return page;
    }

    /// <summary>Closes the context and its pages.</summary>
    public async ValueTask DisposeAsync() => await Context.CloseAsync().ConfigureAwait(false);

    private void AddError(string text)
    {
        lock (_lock)
        {
            _errors.Add(text);
        }
    }
}
