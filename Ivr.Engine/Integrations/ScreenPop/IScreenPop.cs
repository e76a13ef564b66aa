namespace Ivr.Engine.Integrations.ScreenPop;

/// <summary>Tells the company's agent desktop that an agent's phone starts ringing, with the call's context.</summary>
public interface IScreenPop
{
    /// <summary>Sends the screen-pop for <paramref name="context"/> on its own task and returns at once (never throws, never blocks).</summary>
    void AgentRinging(AgentContext context);
}
