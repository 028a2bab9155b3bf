using System.Security.Cryptography;
using Dynamo.Cart.Catalog;
using Dynamo.Cart.Crdt;
using Dynamo.Client;
using Microsoft.Extensions.Options;

namespace Dynamo.Cart.Carts;

/// <summary>
/// One browser tab's view of a cart (scoped to the Blazor circuit), working the way the paper's shopping
/// cart client does:
/// <list type="bullet">
/// <item>a read returns every concurrent version (siblings) and one context; the tab merges the siblings
/// (a CRDT join) and, when there was more than one, writes the merge back with that context so the
/// cluster holds a single version again;</item>
/// <item>a change is applied to the tab's copy and written with the context the tab holds (from its last
/// read or write). If another tab wrote in between, the two writes become siblings, and the next read
/// merges them: nothing either tab did is lost, and a removed item stays removed;</item>
/// <item>a change that could not be stored (quorum not met, router unreachable) stays in the tab as
/// unsaved; Retry sends it again, and a later read merges it in rather than dropping it. The page also
/// keeps such a copy in the browser (<see cref="ICartDrafts"/>), and <see cref="RestoreAsync"/> merges it
/// back after a reload.</item>
/// </list>
/// Operations run one at a time, in click order.
/// </summary>
public sealed class CartSession(IDynamoClient dynamo, ICartTable table, IOptions<CartOptions> options, TimeProvider time, ILogger<CartSession> log) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private OrderConfirmation? _pendingOrder;

    /// <summary>Raised after any change of what the session shows.</summary>
    public event Action? Changed;

    public string? CartName { get; private set; }

    public CartState State { get; private set; } = CartState.Empty;

    public string? Context { get; private set; }

    public ContextSource ContextFrom { get; private set; }

    public TableInfo? Table { get; private set; }

    /// <summary>A read has succeeded since the cart was opened.</summary>
    public bool Loaded { get; private set; }

    public bool Busy { get; private set; }

    /// <summary>The tab holds changes the cluster has not acknowledged.</summary>
    public bool HasUnsavedChanges { get; private set; }

    /// <summary>What the unsaved changes were, for the banner ("add Coffee mug").</summary>
    public string? UnsavedDescription { get; private set; }

    public ReadReport? LastRead { get; private set; }

    public WriteReport? LastWrite { get; private set; }

    public CartProblem? Problem { get; private set; }

    public OrderConfirmation? LastOrder { get; private set; }

    public string TableName => table.Name;

    /// <summary>Opens a cart by name (switching carts forgets the previous one) and reads it.</summary>
    public async Task OpenAsync(string cartName, CancellationToken cancellation = default)
    {
        if (!CartNames.IsValid(cartName))
        {
            throw new ArgumentException($"'{cartName}' is not a valid cart name.", nameof(cartName));
        }

        if (!string.Equals(cartName, CartName, StringComparison.Ordinal))
        {
            await _gate.WaitAsync(cancellation);
            try
            {
                CartName = cartName;
                State = CartState.Empty;
                Context = null;
                ContextFrom = ContextSource.None;
                Loaded = HasUnsavedChanges = false;
                UnsavedDescription = null;
                LastRead = null;
                LastWrite = null;
                Problem = null;
                LastOrder = _pendingOrder = null;
            }
            finally
            {
                _gate.Release();
            }
        }

        await RefreshAsync(cancellation);
    }

    /// <summary>Reads the cart, merges its versions (and any unsaved change of this tab), writes the merge back.</summary>
    public Task RefreshAsync(CancellationToken cancellation = default) => RunAsync(RetryAction.Read, ReadAsync, cancellation);

    public Task AddAsync(string sku) => ChangeAsync("add " + NameOf(sku), s => s.Add(sku, 1, CartTags.New()));

    public Task DecrementAsync(string sku) =>
        ChangeAsync("one less " + NameOf(sku), s => s.QuantityOf(sku) <= 1 ? s.Remove(sku) : s.Set(sku, s.QuantityOf(sku) - 1, CartTags.New()));

    public Task SetQuantityAsync(string sku, int quantity) =>
        ChangeAsync($"set {NameOf(sku)} to {quantity}", s => s.Set(sku, Math.Clamp(quantity, 0, CartState.MaxQuantity), CartTags.New()));

    public Task RemoveAsync(string sku) => ChangeAsync("remove " + NameOf(sku), s => s.Remove(sku));

    /// <summary>Places the order: the cart is emptied by tombstoning every entry this tab has seen.</summary>
    public Task CheckoutAsync() => ChangeAsync("check out", s =>
    {
        var lines = s.Lines;
        if (lines.Count > 0)
        {
            decimal total = lines.Sum(l => (ProductCatalog.Find(l.Sku)?.Price ?? 0) * l.Quantity);
            _pendingOrder = new OrderConfirmation("D-" + RandomNumberGenerator.GetHexString(6), lines, total, time.GetUtcNow());
        }

        return s.Clear();
    });

    /// <summary>
    /// Does again what failed: a read, or sending this tab's unsaved changes. Until a read has succeeded
    /// the tab has not seen what is stored, so its unsaved changes go through a read: merged with what the
    /// read returns and written back with the read's context.
    /// </summary>
    public Task RetryAsync() =>
        Loaded && (Problem?.Retry == RetryAction.Write || HasUnsavedChanges)
            ? RunAsync(RetryAction.Write, ct => WriteAsync(UnsavedDescription ?? "retry", ct), CancellationToken.None)
            : RefreshAsync();

    /// <summary>
    /// Brings back a copy of this cart that an earlier session of this tab could not store (kept in the
    /// browser across a reload or a lost connection): merges it in and stores the result. Returns false,
    /// storing nothing, when the cart as read already contains all of it.
    /// </summary>
    public async Task<bool> RestoreAsync(CartState kept)
    {
        ArgumentNullException.ThrowIfNull(kept);
        if (Loaded && !HasUnsavedChanges && State.Merge(kept).Equals(State))
        {
            return false;
        }

        await ChangeAsync("changes kept in this tab before a reload", s => s.Merge(kept));
        return true;
    }

    public void DismissProblem()
    {
        Problem = null;
        Changed?.Invoke();
    }

    public void DismissOrder()
    {
        LastOrder = null;
        Changed?.Invoke();
    }

    public void Dispose() => _gate.Dispose();

    // The change is applied to the tab's copy first, before any network call: whatever fails after this,
    // the change is in memory, shown as unsaved, and Retry (or the next read) stores it.
    private Task ChangeAsync(string what, Func<CartState, CartState> change) =>
        RunAsync(RetryAction.Write, ct => WriteAsync(what, ct), CancellationToken.None, local: () =>
        {
            State = change(State);
            HasUnsavedChanges = true;
            UnsavedDescription = UnsavedDescription is null ? what : $"{UnsavedDescription}, {what}";
        });

    private async Task RunAsync(RetryAction kind, Func<CancellationToken, Task> operation, CancellationToken cancellation, Action? local = null)
    {
        if (CartName is null)
        {
            return;
        }

        await _gate.WaitAsync(cancellation);
        Busy = true;
        try
        {
            local?.Invoke();
            Changed?.Invoke();
            await WithTableAsync(operation, cancellation);
            Problem = null;
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            // Whatever failed, the tab keeps its copy (and its unsaved changes); the visitor gets words and a Retry.
            var failed = HasUnsavedChanges ? RetryAction.Write : kind;
            log.LogWarning(ex, "Cart {Cart}: {Operation} failed", CartName, failed);
            Problem = CartProblem.From(ex, failed, Table, options.Value.RouterUrl);
        }
        finally
        {
            Busy = false;
            _gate.Release();
            Changed?.Invoke();
        }
    }

    // The table is created lazily; if the cluster forgot it (a fresh cluster behind a running cart), create it again once.
    private async Task WithTableAsync(Func<CancellationToken, Task> operation, CancellationToken cancellation)
    {
        Table = await table.EnsureAsync(cancellation);
        try
        {
            await operation(cancellation);
        }
        catch (DynamoException ex) when (ex.Status == 404 && ex.Title == "Unknown table")
        {
            table.Forget();
            Table = await table.EnsureAsync(cancellation);
            await operation(cancellation);
        }
    }

    private async Task ReadAsync(CancellationToken cancellation)
    {
        var read = await dynamo.GetAsync(table.Name, CartName!, cancellation: cancellation);
        var siblings = read.Siblings.Select((s, i) => new SiblingView(i + 1, CartCodec.TryDecode(s.Value), s.Value.Length)).ToList();
        var explanation = MergeExplanation.Of([.. siblings.Where(s => s.State is not null).Select(s => s.State!)]);
        bool unsaved = HasUnsavedChanges;

        // Unsaved changes of this tab join the merge: a CRDT merge cannot lose them, and writing the result
        // with the read's context stores them without hiding any version the read returned.
        State = unsaved ? explanation.Merged.Merge(State) : explanation.Merged;
        Context = read.Context;
        ContextFrom = read.Context is null ? ContextSource.None : ContextSource.Read;
        Loaded = true;
        LastRead = new ReadReport(time.GetUtcNow(), read.Found, siblings, explanation, unsaved, WroteBack: false);

        if (read.Siblings.Count > 1 || unsaved)
        {
            HasUnsavedChanges = true;
            UnsavedDescription ??= "merge of " + read.Siblings.Count + " versions";
            await WriteAsync(unsaved ? "merge with unsaved changes" : $"merge of {read.Siblings.Count} versions", cancellation);
            LastRead = LastRead with { WroteBack = true };
        }
    }

    private async Task WriteAsync(string what, CancellationToken cancellation)
    {
        var bytes = CartCodec.Encode(State);
        bool withContext = !string.IsNullOrEmpty(Context);
        var context = await dynamo.PutAsync(table.Name, CartName!, bytes, CartCodec.ContentType, Context, cancellation: cancellation);
        Context = context;
        ContextFrom = ContextSource.Write;
        HasUnsavedChanges = false;
        UnsavedDescription = null;
        LastWrite = new WriteReport(time.GetUtcNow(), what, bytes.Length, withContext);
        if (_pendingOrder is not null)
        {
            LastOrder = _pendingOrder;
            _pendingOrder = null;
        }
    }

    private static string NameOf(string sku) => ProductCatalog.Find(sku)?.Name ?? sku;
}
