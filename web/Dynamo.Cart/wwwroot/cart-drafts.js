// A tab's copy of a cart while it holds changes the cluster has not acknowledged (Carts/BrowserCartDrafts.cs).
// sessionStorage: per tab, it survives a reload and a lost connection to the cart server, so the copy is
// merged back in when the cart is shown again. While any copy is kept, closing the tab asks first.
(() => {
  const prefix = "dynamo-cart-unsaved:";

  const pending = () => {
    for (let i = 0; i < sessionStorage.length; i++) {
      if (sessionStorage.key(i)?.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  };

  window.dynamoCartDrafts = {
    load: cart => sessionStorage.getItem(prefix + cart),
    save: (cart, doc) => sessionStorage.setItem(prefix + cart, doc),
    clear: cart => sessionStorage.removeItem(prefix + cart),
    pending,
  };

  window.addEventListener("beforeunload", e => {
    if (pending()) {
      e.preventDefault();
      e.returnValue = "";
    }
  });
})();
