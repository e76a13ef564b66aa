using Ivr.Engine.Contacts;
using Ivr.Engine.Events;
using Ivr.Engine.Hosting;
using Ivr.Flows.Runtime;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;

namespace Ivr.Tests.Hosting;

/// <summary>The caller's history as a call reads it: the real SQLite contact history, one query, summed up as the <c>caller.*</c> values.</summary>
public sealed class ContactHistoryCallersTests : IAsyncDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private readonly string _data = Directory.CreateTempSubdirectory("ivr-callers-").FullName;
    private readonly FakeTimeProvider _time = new(Now);
    private readonly EventStores _stores;

    public ContactHistoryCallersTests() => _stores = new EventStores(_data, _time);

    private async Task RecordAsync(string id, string number, TimeSpan ago, string? skill, string? agent, string outcome)
    {
        var contacts = await _stores.ContactsAsync();
        await contacts.RecordAsync(new ContactRecord(id, number, Now - ago, Now - ago + TimeSpan.FromMinutes(3), "inbound", "hotline", "welcome", skill, agent, outcome));
    }

    [Fact]
    public async Task LookUp_CountsWindows_LatestSkillAgentOutcome_AndMinutesAgo()
    {
        await RecordAsync("old", "+33611111111", TimeSpan.FromDays(8), "sales", "zoe", "connected:sales");
        await RecordAsync("week", "+33611111111", TimeSpan.FromDays(3), "billing", "alice", "connected:billing");
        await RecordAsync("today", "+33611111111", TimeSpan.FromMinutes(90), "support", null, "caller-hangup");
        await RecordAsync("menu", "+33611111111", TimeSpan.FromMinutes(30), null, null, "caller-hangup");
        await RecordAsync("other", "+33622222222", TimeSpan.FromMinutes(10), "billing", "bob", "connected:billing");

        var contacts = await new ContactHistoryCallers(_stores, _time).LookUpAsync(" +33611111111 ", CancellationToken.None);

        Assert.Equal(new CallerContacts(2, 3, "support", "alice", "caller-hangup", 30, 3 * 24 * 60), contacts);
    }

    [Theory]
    [InlineData("")]
    [InlineData("anonymous")]
    [InlineData("+33699999999")]
    public async Task LookUp_WithheldOrUnknownNumber_IsAFirstTimeCaller(string number)
    {
        await RecordAsync("x", "anonymous", TimeSpan.FromMinutes(5), "billing", "bob", "connected:billing");

        Assert.Equal(CallerContacts.None, await new ContactHistoryCallers(_stores, _time).LookUpAsync(number, CancellationToken.None));
    }

    public async ValueTask DisposeAsync()
    {
        await _stores.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
