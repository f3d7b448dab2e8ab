using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Scheduling.Tests;

public sealed class BudgetAccountTests
{
    private static ResourceUse Cpu(double s) => new() { CpuSeconds = s };

    [Fact]
    public void Reservations_admit_work_only_while_its_worst_case_fits_and_settling_refunds_the_rest()
    {
        var account = new BudgetAccount(new BudgetSpec { CpuSeconds = 100 }, Cpu(10));
        Assert.True(account.TryReserve("a", Cpu(60), out _));
        Assert.False(account.TryReserve("b", Cpu(31), out var reason));
        Assert.Equal("CPU-seconds: 10 used + 60 reserved + 31 needed > 100 budget", reason);
        Assert.True(account.TryReserve("b", Cpu(30), out _));

        var refund = account.Settle("a", Cpu(12));
        Assert.Equal(48, refund.CpuSeconds, 9);
        Assert.Equal(22, account.Used.CpuSeconds, 9);
        Assert.Equal(30, account.Reserved.CpuSeconds, 9);
        account.Cancel("b");
        Assert.Equal(0, account.Reserved.CpuSeconds, 9);
        Assert.Null(account.WhySpent(Cpu(78)));
        Assert.NotNull(account.WhySpent(Cpu(79)));
    }

    [Fact]
    public void Once_every_reservation_is_closed_nothing_is_reserved_not_even_a_rounding_sliver()
    {
        var account = new BudgetAccount(new BudgetSpec(), ResourceUse.Zero);
        Assert.True(account.TryReserve("a", Cpu(0.1), out _));
        Assert.True(account.TryReserve("b", Cpu(0.2), out _));
        Assert.True(account.TryReserve("c", Cpu(0.3), out _));
        account.Settle("a", Cpu(0.05));
        account.Cancel("b");
        Assert.Equal(0.3, account.Reserved.CpuSeconds, 9);
        account.Settle("c", Cpu(0.3));
        // 0.1 + 0.2 + 0.3 - 0.1 - 0.2 - 0.3 is 5.6e-17 in doubles: an agent with nothing in flight would show it reserved.
        Assert.Equal(0, account.OpenReservations);
        Assert.Same(ResourceUse.Zero, account.Reserved);
    }

    [Fact]
    public void Lowering_a_budget_below_use_blocks_new_work_and_raising_it_admits_work_again()
    {
        var account = new BudgetAccount(new BudgetSpec { GpuSeconds = 50, Tokens = 1000 }, new ResourceUse { GpuSeconds = 40 });
        account.SetBudget(new BudgetSpec { GpuSeconds = 30, Tokens = 1000 });
        Assert.False(account.TryReserve("x", new ResourceUse { GpuSeconds = 1 }, out var reason));
        Assert.StartsWith("GPU-seconds", reason);
        Assert.Equal(40, account.Used.GpuSeconds);
        account.SetBudget(account.Budget.With(new BudgetChange { GpuSeconds = 0 }));
        Assert.True(account.TryReserve("x", new ResourceUse { GpuSeconds = 1e6 }, out _));
        Assert.False(account.TryReserve("y", new ResourceUse { Tokens = 1001 }, out reason));
        Assert.Equal("tokens: 0 used + 1001 needed > 1000 budget", reason);
        account.Charge(new ResourceUse { Tokens = 999 });
        Assert.NotNull(account.WhySpent(new ResourceUse { Tokens = 2 }));
        Assert.Throws<InvalidOperationException>(() => account.TryReserve("x", ResourceUse.Zero, out _));
    }

    [Fact]
    public void Random_sequences_never_use_more_than_the_budget_in_force_and_refunds_add_up()
    {
        for (var seed = 0; seed < 500; seed++)
        {
            var rng = new Random(seed);
            var budget = new BudgetSpec { CpuSeconds = rng.Next(0, 4) == 0 ? 0 : rng.Next(10, 500), GpuSeconds = rng.Next(0, 3) == 0 ? 0 : rng.Next(10, 200), Tokens = rng.Next(0, 2) == 0 ? 0 : rng.Next(100, 5000) };
            var account = new BudgetAccount(budget, ResourceUse.Zero);
            var open = new Dictionary<string, ResourceUse>();
            var reserved = ResourceUse.Zero;
            var charged = ResourceUse.Zero;
            var refunded = ResourceUse.Zero;
            var cancelled = ResourceUse.Zero;
            var lowestBudgetCpu = budget.CpuSeconds;
            for (var step = 0; step < 200; step++)
            {
                var action = rng.Next(6);
                if (action < 3)
                {
                    var estimate = new ResourceUse { CpuSeconds = rng.Next(1, 60), GpuSeconds = rng.Next(0, 20), Tokens = rng.Next(0, 400) };
                    var key = $"k{step}";
                    if (account.TryReserve(key, estimate, out _))
                    {
                        open[key] = estimate;
                        reserved += estimate;
                    }
                }
                else if (action < 5 && open.Count > 0)
                {
                    var key = open.Keys.ElementAt(rng.Next(open.Count));
                    var e = open[key];
                    var actual = new ResourceUse { CpuSeconds = e.CpuSeconds * rng.NextDouble(), GpuSeconds = e.GpuSeconds * rng.NextDouble(), Tokens = (long)(e.Tokens * rng.NextDouble()) };
                    refunded += account.Settle(key, actual);
                    charged += actual;
                    open.Remove(key);
                }
                else if (open.Count > 0 && rng.Next(2) == 0)
                {
                    var key = open.Keys.ElementAt(rng.Next(open.Count));
                    cancelled += open[key];
                    account.Cancel(key);
                    open.Remove(key);
                }
                else if (budget.CpuSeconds > 0)
                {
                    // A person changes the CPU budget while the campaign runs (never to "unlimited" here, so the check stays meaningful).
                    account.SetBudget(account.Budget with { CpuSeconds = Math.Max(1, account.Budget.CpuSeconds + rng.Next(-50, 80)) });
                    lowestBudgetCpu = Math.Max(lowestBudgetCpu, account.Budget.CpuSeconds);
                }

                var b = account.Budget;
                if (budget.CpuSeconds > 0) Assert.True(account.Used.CpuSeconds <= lowestBudgetCpu + 1e-9, $"seed {seed}: CPU used {account.Used.CpuSeconds} above every budget in force");
                if (b.GpuSeconds > 0) Assert.True(account.Used.GpuSeconds + account.Reserved.GpuSeconds <= b.GpuSeconds + 1e-9, $"seed {seed}: GPU over budget");
                if (b.Tokens > 0) Assert.True(account.Used.Tokens + account.Reserved.Tokens <= b.Tokens, $"seed {seed}: tokens over budget");
                var outstanding = open.Values.Aggregate(ResourceUse.Zero, (u, x) => u + x);
                Assert.Equal(outstanding.CpuSeconds, account.Reserved.CpuSeconds, 6);
                // Everything reserved is either still open, charged, refunded or cancelled.
                Assert.Equal(reserved.CpuSeconds, outstanding.CpuSeconds + charged.CpuSeconds + refunded.CpuSeconds + cancelled.CpuSeconds, 6);
                Assert.Equal(charged.CpuSeconds, account.Used.CpuSeconds, 6);
            }
        }
    }
}
