namespace AutoResearch.Grains.Agents;

/// <summary>
/// People's decisions on this agent's experiments awaiting approval (<c>approval:</c> thresholds): the campaign passes an
/// approval or a rejection here and wakes the agent; the waiting experiment takes it. Thread-safe: a control call and the
/// workers meet here.
/// </summary>
public sealed class Approvals
{
    private readonly Lock _gate = new();
    private readonly Dictionary<int, ApprovalDecision> _decided = [];

    /// <summary>Records a person's decision on experiment #<paramref name="sequence"/> (a later one replaces an earlier not yet taken).</summary>
    public void Decide(int sequence, ApprovalDecision decision)
    {
        lock (_gate) _decided[sequence] = decision;
    }

    /// <summary>Records a decision read back from the ledger unless one came in meanwhile (which is newer).</summary>
    public void DecideUnlessDecided(int sequence, ApprovalDecision decision)
    {
        lock (_gate) _decided.TryAdd(sequence, decision);
    }

    /// <summary>Takes the decision on experiment #<paramref name="sequence"/>; null while none was made.</summary>
    public ApprovalDecision? Take(int sequence)
    {
        lock (_gate) return _decided.Remove(sequence, out var decision) ? decision : null;
    }
}

/// <summary>A person's approval (<paramref name="Approved"/>) or rejection of an experiment awaiting approval, by whom and why.</summary>
public sealed record ApprovalDecision(bool Approved, string By, string Reason)
{
    /// <summary>The journal's and the record's words: "approved by alice: worth a GPU", "rejected by bob".</summary>
    public string Describe() =>
        (Approved ? "approved by " : "rejected by ") + (string.IsNullOrWhiteSpace(By) ? "a person" : By) + (string.IsNullOrWhiteSpace(Reason) ? "" : ": " + Reason);
}
