using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AutoResearch.Testing.OpenAi;

/// <summary>
/// An in-process HTTP server on 127.0.0.1 that speaks the OpenAI chat-completions wire format with scripted replies,
/// so a real OpenAI / Semantic Kernel client can be tested end to end without a model.
/// </summary>
/// <remarks>
/// <para>
/// Each request to <c>POST /v1/chat/completions</c> (or <c>/chat/completions</c>, or Azure OpenAI's
/// <c>/openai/deployments/{deployment}/chat/completions?api-version=…</c>) is recorded in <see cref="Requests"/>
/// and answered by the first of: the queue of its model (<see cref="For"/>; on the Azure path, of its deployment when the body names no model), the default queue (<see cref="Default"/>),
/// <see cref="Responder"/>; with none of them, a 500 whose error message says no reply was scripted, and the request is
/// also listed in <see cref="Unscripted"/>.
/// </para>
/// <para>
/// A body that is not a JSON object, or one asking for <c>stream: true</c> (not supported), is answered 400 without
/// consuming a scripted reply; any other path is answered 404. Both are recorded too. No static state: start one server per test.
/// </para>
/// </remarks>
public sealed class ScriptedOpenAiServer : IAsyncDisposable
{
    /// <summary>The error message of the 500 answered to an unscripted request starts with this.</summary>
    public const string UnscriptedMessage = "ScriptedOpenAiServer: no reply was scripted";

    private readonly ScriptedReplyQueue _default = new(null);
    private readonly ConcurrentDictionary<string, ScriptedReplyQueue> _perModel = new(StringComparer.Ordinal);
    private readonly List<RecordedRequest> _requests = [];
    private readonly List<RecordedRequest> _unscripted = [];
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stopping = new();
    private WebApplication? _app;
    private int _completionCounter;
    private int _toolCallCounter;
    private int _disposed;

    private ScriptedOpenAiServer()
    {
    }

    /// <summary>The OpenAI endpoint to give a client, <c>http://127.0.0.1:PORT/v1</c> (no trailing slash).</summary>
    public string BaseUrl { get; private set; } = "";

    /// <summary>The server root, <c>http://127.0.0.1:PORT</c>.</summary>
    public string RootUrl { get; private set; } = "";

    /// <summary>The queue answered when the request's model has no queue or an empty one.</summary>
    public ScriptedReplyQueue Default => _default;

    /// <summary>
    /// Answers requests when their model queue and the default queue are empty; may be null. Called on a request thread,
    /// possibly concurrently. If it throws, the request is answered 500 with the exception's message.
    /// </summary>
    public Func<RecordedRequest, ScriptedReply>? Responder { get; set; }

    /// <summary>A snapshot of every request received so far, in arrival order.</summary>
    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return _requests.ToArray();
            }
        }
    }

    /// <summary>A snapshot of the requests that found no scripted reply and no responder (answered 500).</summary>
    public IReadOnlyList<RecordedRequest> Unscripted
    {
        get
        {
            lock (_gate)
            {
                return _unscripted.ToArray();
            }
        }
    }

    /// <summary>Starts a server on 127.0.0.1 with a free port.</summary>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The started server; dispose it to stop it.</returns>
    public static async Task<ScriptedOpenAiServer> StartAsync(CancellationToken cancellationToken = default)
    {
        var server = new ScriptedOpenAiServer();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(ScriptedOpenAiServer).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = "Production",
        });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(options =>
        {
            options.Listen(IPAddress.Loopback, 0);
            options.AddServerHeader = false;
        });
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));

        var app = builder.Build();
        app.MapPost("/v1/chat/completions", server.HandleChatCompletionsAsync);
        app.MapPost("/chat/completions", server.HandleChatCompletionsAsync);
        // Azure OpenAI's deployment path (the Azure.AI.OpenAI SDK): /openai/deployments/{deployment}/chat/completions?api-version=…
        app.MapPost("/openai/deployments/{deployment}/chat/completions", server.HandleChatCompletionsAsync);
        app.MapFallback(server.HandleUnknownPathAsync);

        server._app = app;
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()
            ?? throw new InvalidOperationException("Kestrel exposes no IServerAddressesFeature");
        var address = addresses.Addresses.Single();
        var uri = new Uri(address);
        server.RootUrl = $"http://127.0.0.1:{uri.Port.ToString(CultureInfo.InvariantCulture)}";
        server.BaseUrl = server.RootUrl + "/v1";
        return server;
    }

    /// <summary>The queue of replies for requests whose <c>model</c> is exactly <paramref name="model"/>; created on first use.</summary>
    /// <param name="model">The model name as the client sends it.</param>
    /// <returns>The queue.</returns>
    public ScriptedReplyQueue For(string model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return _perModel.GetOrAdd(model, static m => new ScriptedReplyQueue(m));
    }

    /// <summary>Adds replies to the default queue.</summary>
    /// <param name="replies">The replies, answered in order.</param>
    /// <returns>The default queue, for chaining.</returns>
    public ScriptedReplyQueue Enqueue(params ScriptedReply[] replies) => _default.Enqueue(replies);

    /// <summary>Stops the server: pending delays end, in-flight requests are aborted after a short grace.</summary>
    /// <returns>A task that completes when the server has stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        await _stopping.CancelAsync();
        if (_app is { } app)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await app.StopAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                // Shutdown took too long; dispose below regardless.
            }
            catch (InvalidOperationException)
            {
                // Never started.
            }
            await app.DisposeAsync();
        }
        _stopping.Dispose();
    }

    private RecordedRequest Record(HttpContext context, string body)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in context.Request.Headers)
        {
            headers[name] = values.ToString();
        }
        lock (_gate)
        {
            var recorded = ChatRequestParser.Parse(_requests.Count, DateTimeOffset.UtcNow, context.Request.Method, context.Request.Path.Value ?? "", headers, body);
            recorded.Deployment = context.Request.RouteValues.TryGetValue("deployment", out var deployment) ? deployment as string : null;
            recorded.ApiVersion = context.Request.Query.TryGetValue("api-version", out var version) ? version.ToString() : null;
            _requests.Add(recorded);
            return recorded;
        }
    }

    private async Task HandleChatCompletionsAsync(HttpContext context)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
        var cancellationToken = linked.Token;
        string body;
        using (var reader = new StreamReader(context.Request.Body, Encoding.UTF8))
        {
            body = await reader.ReadToEndAsync(cancellationToken);
        }
        var request = Record(context, body);

        if (request.ParseError is { } parseError)
        {
            await ChatReplyWriter.WriteJsonAsync(context.Response, 400, ChatReplyWriter.Error($"ScriptedOpenAiServer: {parseError}", "invalid_request_error", null), cancellationToken);
            return;
        }
        if (request.Stream)
        {
            await ChatReplyWriter.WriteJsonAsync(context.Response, 400, ChatReplyWriter.Error("ScriptedOpenAiServer: streaming (stream: true) is not supported; use a non-streaming call", "invalid_request_error", "stream_not_supported"), cancellationToken);
            return;
        }

        ScriptedReply? reply;
        try
        {
            reply = NextReply(request);
        }
        catch (Exception e)
        {
            var message = $"ScriptedOpenAiServer: the responder threw for request #{request.Sequence}: {e.GetType().Name}: {e.Message}";
            await ChatReplyWriter.WriteJsonAsync(context.Response, 500, ChatReplyWriter.Error(message, "server_error", "responder_failed"), cancellationToken);
            return;
        }
        if (reply is null)
        {
            lock (_gate)
            {
                _unscripted.Add(request);
            }
            var message = $"{UnscriptedMessage} for request #{request.Sequence} (model '{request.Model}'): the queue of that model and the default queue are empty and there is no responder";
            await ChatReplyWriter.WriteJsonAsync(context.Response, 500, ChatReplyWriter.Error(message, "server_error", "no_scripted_reply"), cancellationToken);
            return;
        }

        while (reply.Kind == ScriptedReplyKind.Delay)
        {
            try
            {
                await Task.Delay(reply.DelayBy, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                // The client gave up, or the server is stopping: drop the connection rather than let an empty 200 go out.
                context.Abort();
                return;
            }
            reply = reply.Then!;
        }

        var completionId = $"chatcmpl-scripted-{Interlocked.Increment(ref _completionCounter).ToString(CultureInfo.InvariantCulture)}";
        var toolCallId = $"call_{Interlocked.Increment(ref _toolCallCounter).ToString(CultureInfo.InvariantCulture)}";
        try
        {
            await ChatReplyWriter.WriteAsync(context.Response, reply, request.Model ?? request.Deployment, completionId, toolCallId, DateTimeOffset.UtcNow, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Client gone.
        }
    }

    private ScriptedReply? NextReply(RecordedRequest request)
    {
        if ((request.Model ?? request.Deployment) is { } model && _perModel.TryGetValue(model, out var queue) && queue.TryDequeue(out var perModel))
        {
            return perModel;
        }
        if (_default.TryDequeue(out var fallback))
        {
            return fallback;
        }
        return Responder?.Invoke(request);
    }

    private async Task HandleUnknownPathAsync(HttpContext context)
    {
        string body;
        using (var reader = new StreamReader(context.Request.Body, Encoding.UTF8))
        {
            body = await reader.ReadToEndAsync(context.RequestAborted);
        }
        var request = Record(context, body);
        var message = $"ScriptedOpenAiServer: unknown path {request.Method} {request.Path}; only POST /v1/chat/completions (and Azure's /openai/deployments/{{deployment}}/chat/completions) is served";
        await ChatReplyWriter.WriteJsonAsync(context.Response, 404, ChatReplyWriter.Error(message, "invalid_request_error", "unknown_url"), context.RequestAborted);
    }
}
