using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Abstractions.Grains;

/// <summary>One campaign: its spec, state machine, deadline, leaderboard and stop rules. Key: campaign id.</summary>
public interface ICampaignGrain : IGrainWithStringKey
{
    /// <summary>Starts the campaign, or resumes it (restarting its agents) if it is already running. Idempotent.</summary>
    Task<CampaignStatus> Start(CampaignSpec spec);

    Task<CampaignStatus> GetStatus();

    /// <summary>Stops granting experiments; running ones finish; everything recorded stays.</summary>
    Task<CampaignStatus> Stop(string reason);

    /// <summary>An agent asks to start one more experiment; the campaign reserves the request's estimate against its budget.</summary>
    Task<ExperimentTicket> RequestTicket(TicketRequest request);

    /// <summary>Applies a control request (pause, resume, stop, budget change) to the campaign or one of its agents.</summary>
    Task<CampaignStatus> Control(ControlRequest request);

    /// <summary>Accepted bests, baseline first, and the measured noise.</summary>
    Task<Leaderboard> GetLeaderboard();

    /// <summary>An agent reports a finished experiment (releasing the ticket's reservation) and its own updated status.</summary>
    Task ReportFinished(ExperimentRecord experiment, AgentStatus agent);

    /// <summary>An agent reports it has stopped working (done, budget spent, or stopped).</summary>
    Task ReportAgent(AgentStatus agent);
}
