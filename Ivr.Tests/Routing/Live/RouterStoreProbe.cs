using Akka.Actor;
using Ivr.Engine.Routing.DialPlan;
using Ivr.Engine.Routing.Live;

namespace Ivr.Tests.Routing.Live;

/// <summary>Waits until a <see cref="SkillRouter"/> has opened its callback store.</summary>
internal static class RouterStoreProbe
{
    /// <summary>
    /// Bookings before the router has opened its store are refused as "unavailable": probes with a number the dial plan
    /// refuses as malformed (nothing is booked) until the dial plan, not the store, answers. Bounded (about 5 s).
    /// </summary>
    public static async Task AwaitOpenAsync(IActorRef router, string skill)
    {
        for (var i = 0; i < 100; i++)
        {
            var reply = await router.Ask<CallbackBookingResult>(new BookCallback("store-probe", skill, "x", null, DateTimeOffset.UtcNow), TimeSpan.FromSeconds(10));
            if (reply.Refusal == DialPlanRefusal.Malformed) return;
            await Task.Delay(50);
        }
        throw new TimeoutException("the router did not open its callback store within 5 s");
    }
}
