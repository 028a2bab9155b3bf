using System.ComponentModel;
using System.Diagnostics;
using System.Text.Json;
using Amazon.DynamoDBv2.Model;
using Dynamo.DynamoDb.Tests.Infrastructure;

namespace Dynamo.DynamoDb.Tests;

/// <summary>
/// Runs the AWS CLI (or, without it, boto3) against the SigV4-verifying server: proves another real client's signing,
/// request shapes and response parsing work. Installs awscli/python3-boto3 with apt-get when neither is present and
/// we are root; fails with a clear message otherwise (never skips).
/// </summary>
public sealed class CliScriptTests(AuthServerFixture fixture) : IClassFixture<AuthServerFixture>
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(5);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AwsCliOrBoto3_CreateTablePutItemQuery()
    {
        var tool = await FindToolAsync();
        var table = Tables.UniqueName("cli");
        var scripts = Path.Combine(AppContext.BaseDirectory, "Scripts");
        var endpoint = fixture.Server.Url.ToString().TrimEnd('/');
        var (file, args) = tool == "aws"
            ? ("bash", new[] { Path.Combine(scripts, "cli_smoke.sh"), endpoint, table })
            : ("python3", new[] { Path.Combine(scripts, "boto3_smoke.py"), endpoint, table });

        var (exit, stdout, stderr) = await RunAsync(file, args, withCredentials: true);
        Assert.True(exit == 0, $"{tool} script failed with exit code {exit}:\n{stderr}\n{stdout}");

        using var result = JsonDocument.Parse(stdout);
        var items = result.RootElement.GetProperty("Items").EnumerateArray().ToList();
        Assert.Equal(2, result.RootElement.GetProperty("Count").GetInt32());
        Assert.Equal(["2", "3"], items.Select(i => i.GetProperty("sk").GetProperty("N").GetString()));
        Assert.Equal(["2.5", "3.5"], items.Select(i => i.GetProperty("price").GetProperty("N").GetString()));
        Assert.Equal("from the aws cli #3", items[1].GetProperty("note").GetProperty("S").GetString());

        // What the script wrote is visible to the .NET SDK too.
        var got = await fixture.Client.GetItemAsync(table, new Dictionary<string, AttributeValue> { ["pk"] = Av.S("cli"), ["sk"] = Av.N("1") }, Ct);
        Assert.Equal("from the aws cli #1", got.Item["note"].S);
    }

    private static async Task<string> FindToolAsync()
    {
        if (await WorksAsync("aws", "--version"))
        {
            return "aws";
        }

        if (await WorksAsync("python3", "-c", "import boto3"))
        {
            return "boto3";
        }

        var (uidExit, uid, _) = await RunAsync("id", ["-u"], withCredentials: false);
        Assert.True(uidExit == 0 && uid.Trim() == "0", "Neither the AWS CLI ('aws') nor python3 with boto3 is installed, and we are not root, so they cannot be installed: run 'apt-get install -y awscli python3-boto3' as root.");
        var (updateExit, _, updateErr) = await RunAsync("apt-get", ["update"], withCredentials: false);
        Assert.True(updateExit == 0, "apt-get update failed: " + updateErr);
        var (installExit, _, installErr) = await RunAsync("apt-get", ["install", "-y", "--no-install-recommends", "awscli", "python3-boto3"], withCredentials: false);
        Assert.True(installExit == 0, "apt-get install -y awscli python3-boto3 failed: " + installErr);

        if (await WorksAsync("aws", "--version"))
        {
            return "aws";
        }

        Assert.True(await WorksAsync("python3", "-c", "import boto3"), "awscli/python3-boto3 were installed but neither 'aws' nor boto3 works.");
        return "boto3";
    }

    private static async Task<bool> WorksAsync(string file, params string[] args)
    {
        try
        {
            var (exit, _, _) = await RunAsync(file, args, withCredentials: false);
            return exit == 0;
        }
        catch (Win32Exception)
        {
            return false; // not on PATH
        }
    }

    private static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(string file, IEnumerable<string> args, bool withCredentials)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        if (withCredentials)
        {
            var home = Directory.CreateTempSubdirectory("dynamodb-cli-").FullName;
            psi.Environment["HOME"] = home;
            psi.Environment["AWS_ACCESS_KEY_ID"] = DynamoDbServer.AccessKey;
            psi.Environment["AWS_SECRET_ACCESS_KEY"] = DynamoDbServer.SecretKey;
            psi.Environment["AWS_DEFAULT_REGION"] = "us-east-1";
            psi.Environment["AWS_CONFIG_FILE"] = Path.Combine(home, "config");
            psi.Environment["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(home, "credentials");
            psi.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
            psi.Environment["AWS_PAGER"] = string.Empty;
            psi.Environment.Remove("AWS_PROFILE");
            psi.Environment.Remove("AWS_SESSION_TOKEN");
        }

        using var process = Process.Start(psi) ?? throw new InvalidOperationException("Could not start " + file);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(Ct);
        var stderr = process.StandardError.ReadToEndAsync(Ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(CommandTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"'{file} {string.Join(' ', psi.ArgumentList)}' did not finish within {CommandTimeout}.");
        }

        return (process.ExitCode, await stdout, await stderr);
    }
}
