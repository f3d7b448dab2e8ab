using AutoResearch.Abstractions.Models;

namespace AutoResearch.Models;

/// <summary>
/// A conservative token estimate without a tokenizer: one token per 3.5 characters (BPE tokenizers average about 4 for
/// English and code), plus 4 per message for the chat framing and 3 for the reply's priming.
/// </summary>
public static class TokenEstimator
{
    public static long Estimate(string text) => text.Length == 0 ? 0 : (long)Math.Ceiling(text.Length / 3.5);

    public static long Estimate(IReadOnlyList<ModelMessage> messages) => 3 + messages.Sum(m => 4 + Estimate(m.Content));
}
