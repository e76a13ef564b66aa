namespace Ivr.Engine.Contacts;

/// <summary>
/// The repeat-contact rate of one skill: of the inbound contacts that reached it in a period, how many were followed by
/// another inbound call from the same number within 24 hours and within 7 days of their start.
/// </summary>
/// <param name="Skill">The skill.</param>
/// <param name="Contacts">Inbound contacts of the skill that started in the period (anonymous numbers left out).</param>
/// <param name="Repeated24h">Of those, how many were followed by another call within 24 h.</param>
/// <param name="Repeated7d">Of those, how many were followed by another call within 7 days.</param>
public sealed record RepeatContactRate(string Skill, int Contacts, int Repeated24h, int Repeated7d)
{
    /// <summary>Repeated24h / Contacts (0 with no contact).</summary>
    public double Rate24h => Contacts == 0 ? 0 : (double)Repeated24h / Contacts;

    /// <summary>Repeated7d / Contacts (0 with no contact).</summary>
    public double Rate7d => Contacts == 0 ? 0 : (double)Repeated7d / Contacts;
}
