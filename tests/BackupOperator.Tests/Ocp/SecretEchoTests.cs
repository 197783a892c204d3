using System.Text;
using BackupOperator.Operator.Ocp;

namespace BackupOperator.Tests.Ocp;

/// <summary>
/// OCP, or a proxy in front of it, may echo a request back in an error: whatever it echoes, no
/// secret of that request leaves the OCP client (and so never reaches status, events or logs).
/// </summary>
public sealed class SecretEchoTests
{
    private const string Password = "pa$$\"w0rd";
    private const string StorageSecret = "OSS-SECRET-42";
    private static readonly SecretMasker Masker = new([Password], "backup-bot");

    private static readonly BackupNowRequest OssRequest = new()
    {
        BackupMode = "PHYSICAL_BACKUP",
        DataBackupMode = "FULL_BACKUP",
        ObBackupServiceStorageConfig = new StorageConfigDto
        {
            ObBackupStorageBaseInfo = new StorageBaseInfoDto
            {
                BackupStorageType = "BACKUP_STORAGE_OSS",
                StorageUrl = "oss://bucket/b",
                OssAccessKey = new AccessKeyDto("AKID", StorageSecret, "oss.example.com", null),
            },
        },
    };

    public static TheoryData<string> Echoes => new()
    {
        Clients.Envelope(400, "\"IllegalArgument\"", "bad credentials for backup-bot/pa$$\\\"w0rd"),
        Clients.Envelope(400, "\"pa$$\\\"w0rd\"", "rejected"),
        Clients.Envelope(400, "\"IllegalArgument\"", "ossAccessKey.accessKeySecret=OSS-SECRET-42 is invalid"),
    };

    public static TheoryData<string> NotOcps => new()
    {
        "<html>401: Authorization: Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("backup-bot:" + Password)) + "</html>",
        "<html>bad request: password=" + Uri.EscapeDataString(Password) + "</html>",
    };

    [Theory]
    [MemberData(nameof(Echoes))]
    public async Task An_echoed_secret_is_masked_in_the_error(string answer)
    {
        var client = Clients.Over(StubHandler.Always(400, answer), masker: Masker);

        var e = await Assert.ThrowsAsync<OcpApiException>(() => client.BackupNowAsync(8, OssRequest, CancellationToken.None));

        AssertClean(e.Message);
        AssertClean(e.Detail);
        AssertClean(e.Code);
        Assert.Contains(SecretMasker.Mask, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(NotOcps))]
    public async Task An_echo_in_an_answer_that_is_not_ocps_is_not_passed_on_at_all(string answer)
    {
        var client = Clients.Over(StubHandler.Always(400, answer), masker: Masker);

        var e = await Assert.ThrowsAsync<OcpApiException>(() => client.BackupNowAsync(8, OssRequest, CancellationToken.None));

        AssertClean(e.Message);
        Assert.DoesNotContain("html", e.Message, StringComparison.Ordinal);
        Assert.Contains("not OCP's JSON envelope", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_echoed_secret_is_masked_in_a_hint_and_error_code()
    {
        var answer = """
            {"successful": true, "data": {"obBackupTaskType": "DATA_BACKUP_NOW", "backupObjectOpsResultList": [
              {"beSuccessful": false, "taskIdList": [], "errorCode": "KEY OSS-SECRET-42", "hint": "cannot list oss://bucket/b with key OSS-SECRET-42"}]}}
            """;
        var client = Clients.Over(StubHandler.Always(200, answer), masker: Masker);

        var result = Assert.Single((await client.BackupNowAsync(8, OssRequest, CancellationToken.None)).Data.BackupObjectOpsResultList!);

        AssertClean(result.Hint);
        AssertClean(result.ErrorCode);
        Assert.Equal("cannot list oss://bucket/b with key ***", result.Hint);
    }

    [Fact]
    public async Task An_echoed_password_is_masked_in_a_task_name_and_a_read_error()
    {
        var task = """{"successful": true, "data": {"id": 7, "name": "Backup as backup-bot:pa$$\"w0rd", "status": "RUNNING", "subtasks": [{"id": 1, "name": "login pa$$\"w0rd", "status": "FAILED"}]}}""";
        var client = Clients.Over(StubHandler.Always(200, task), masker: Masker);

        var read = (await client.GetTaskAsync(7, CancellationToken.None)).Data;

        AssertClean(read.Name);
        AssertClean(read.Subtasks![0].Name);
    }

    private static void AssertClean(string? text)
    {
        Assert.NotNull(text); // a text that is not there proves nothing about masking

        Assert.DoesNotContain(Password, text, StringComparison.Ordinal);
        Assert.DoesNotContain("pa$$\\\"w0rd", text, StringComparison.Ordinal);
        Assert.DoesNotContain(StorageSecret, text, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes("backup-bot:" + Password)), text, StringComparison.Ordinal);
        Assert.DoesNotContain(Uri.EscapeDataString(Password), text, StringComparison.Ordinal);
    }
}
