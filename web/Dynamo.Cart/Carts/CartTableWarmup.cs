using System.Text.Json;
using Dynamo.Client;

namespace Dynamo.Cart.Carts;

/// <summary>Creates the carts table in the background at start, so the first visitor does not wait for it.</summary>
public sealed class CartTableWarmup(ICartTable table, ILogger<CartTableWarmup> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        for (int attempt = 1; !stoppingToken.IsCancellationRequested; attempt++)
        {
            try
            {
                await table.EnsureAsync(stoppingToken);
                return;
            }
            catch (Exception ex) when (ex is DynamoException or HttpRequestException or JsonException or TaskCanceledException or Polly.ExecutionRejectedException && !stoppingToken.IsCancellationRequested)
            {
                if (attempt % 10 == 1)
                {
                    log.LogInformation("Table {Table} not ready yet (attempt {Attempt}): {Reason}", table.Name, attempt, ex.Message);
                }
            }

            await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken);
        }
    }
}
