using System.ClientModel;
using System.Globalization;
using System.Text.Json;
using Microsoft.SemanticKernel;

namespace AutoResearch.Models;

/// <summary>
/// Sorts what a failed call threw: 429, 5xx, 408, timeouts, broken connections and unreadable answers are worth retrying;
/// 400/401/403/404 (a wrong key, model or URL) are not, and move on to the next endpoint at once.
/// </summary>
internal static class FailureClassifier
{
    public static AttemptFailure Classify(Exception exception, bool timedOut)
    {
        if (timedOut) return new AttemptFailure("timed out", true, null, null);
        var status = StatusOf(exception);
        if (status is { } code)
        {
            var transient = code is 408 or 409 or 429 || code >= 500;
            return new AttemptFailure($"HTTP {code}{Detail(exception)}", transient, RetryAfterOf(exception), code);
        }
        return exception switch
        {
            HttpRequestException or IOException => new AttemptFailure($"connection failed: {exception.GetBaseException().Message}", true, null, null),
            JsonException or FormatException or KeyNotFoundException or InvalidOperationException or ArgumentException
                => new AttemptFailure($"unreadable answer: {exception.GetBaseException().Message}", true, null, null),
            KernelException => new AttemptFailure($"unreadable answer: {exception.GetBaseException().Message}", true, null, null),
            _ => new AttemptFailure($"{exception.GetType().Name}: {exception.GetBaseException().Message}", true, null, null),
        };
    }

    private static int? StatusOf(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case HttpOperationException { StatusCode: { } code }:
                    return (int)code;
                case ClientResultException { Status: > 0 } client:
                    return client.Status;
                case HttpRequestException { StatusCode: { } code }:
                    return (int)code;
            }
        }
        return null;
    }

    private static string Detail(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is HttpOperationException { ResponseContent: { Length: > 0 } content })
            {
                var message = ErrorMessageOf(content);
                return message is null ? "" : $" ({message})";
            }
        }
        return "";
    }

    /// <summary>The <c>error.message</c> of an OpenAI-style error body, shortened.</summary>
    private static string? ErrorMessageOf(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object
                && error.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String)
            {
                var text = message.GetString() ?? "";
                return text.Length > 200 ? text[..200] + "…" : text;
            }
        }
        catch (JsonException)
        {
        }
        return null;
    }

    private static TimeSpan? RetryAfterOf(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is ClientResultException client && client.GetRawResponse() is { } response)
            {
                if (response.Headers.TryGetValue("retry-after-ms", out var ms) && double.TryParse(ms, NumberStyles.Float, CultureInfo.InvariantCulture, out var millis) && millis >= 0)
                    return TimeSpan.FromMilliseconds(millis);
                if (response.Headers.TryGetValue("Retry-After", out var after))
                {
                    if (double.TryParse(after, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0)
                        return TimeSpan.FromSeconds(seconds);
                    if (DateTimeOffset.TryParse(after, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var when))
                        return when - DateTimeOffset.UtcNow is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
                }
            }
        }
        return null;
    }
}
