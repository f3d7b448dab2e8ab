using System.Collections.Concurrent;

namespace AutoResearch.Testing.OpenAi;

/// <summary>A thread-safe first-in first-out queue of scripted replies; each request takes at most one.</summary>
public sealed class ScriptedReplyQueue
{
    private readonly ConcurrentQueue<ScriptedReply> _replies = new();

    internal ScriptedReplyQueue(string? model) => Model = model;

    /// <summary>The model this queue answers, or null for the default queue.</summary>
    public string? Model { get; }

    /// <summary>How many replies are still waiting.</summary>
    public int Count => _replies.Count;

    /// <summary>Adds replies, answered in order.</summary>
    /// <param name="replies">The replies.</param>
    /// <returns>This queue, for chaining.</returns>
    public ScriptedReplyQueue Enqueue(params ScriptedReply[] replies)
    {
        ArgumentNullException.ThrowIfNull(replies);
        foreach (var reply in replies)
        {
            ArgumentNullException.ThrowIfNull(reply, nameof(replies));
            _replies.Enqueue(reply);
        }
        return this;
    }

    /// <summary>Drops every waiting reply.</summary>
    public void Clear() => _replies.Clear();

    internal bool TryDequeue(out ScriptedReply reply) => _replies.TryDequeue(out reply!);
}
