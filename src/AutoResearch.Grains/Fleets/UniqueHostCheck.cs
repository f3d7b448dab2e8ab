using Orleans.Runtime;

namespace AutoResearch.Grains.Fleets;

/// <summary>
/// Fails a silo's start when another live silo has its name: the name is its fleet's key, and two hosts under one name
/// would share one fleet (one host's agents leasing another host's slots). A silo restarted on the same endpoint whose old
/// entry is not declared dead yet is the same host and passes.
/// </summary>
public sealed class UniqueHostCheck(IClusterMembershipService membership, ILocalSiloDetails local) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(UniqueHostCheck), ServiceLifecycleStage.Active, _ => CheckAsync());

    private Task CheckAsync()
    {
        if (Clash(membership.CurrentSnapshot, local.SiloAddress, local.Name) is { } clash)
        {
            throw new InvalidOperationException(
                $"Another live silo ({clash.SiloAddress}) is named '{local.Name}': each silo (Docker host) needs a host name of its own (Fleet:Host, Fleet__Host).");
        }
        return Task.CompletedTask;
    }

    /// <summary>A live (or joining) silo on another endpoint named <paramref name="name"/>, or null.</summary>
    public static ClusterMember? Clash(ClusterMembershipSnapshot snapshot, SiloAddress self, string name) =>
        snapshot.Members.Values.FirstOrDefault(m =>
            m.Status is SiloStatus.Active or SiloStatus.Joining && m.Name == name && !m.SiloAddress.Endpoint.Equals(self.Endpoint));
}
