// Passkeys: ask the server for the ceremony's options, let the browser ask the device's screen lock, and
// post the answer with the page's own form. WebAuthn speaks bytes; the server speaks base64url.
(function () {
  "use strict";

  function toBytes(text) {
    var base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    var binary = atob(base64 + "===".slice((base64.length + 3) % 4));
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes.buffer;
  }

  function toText(buffer) {
    var bytes = new Uint8Array(buffer);
    var binary = "";
    for (var i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function withBytes(descriptors) {
    return (descriptors || []).map(function (descriptor) {
      return Object.assign({}, descriptor, { id: toBytes(descriptor.id) });
    });
  }

  function answer(credential) {
    var response = credential.response;
    var sent = { clientDataJSON: toText(response.clientDataJSON) };
    if (response.attestationObject) {
      sent.attestationObject = toText(response.attestationObject);
      sent.transports = response.getTransports ? response.getTransports() : [];
    } else {
      sent.authenticatorData = toText(response.authenticatorData);
      sent.signature = toText(response.signature);
      if (response.userHandle) sent.userHandle = toText(response.userHandle);
    }
    return {
      id: credential.id,
      rawId: toText(credential.rawId),
      type: credential.type,
      response: sent,
      authenticatorAttachment: credential.authenticatorAttachment || undefined,
      clientExtensionResults: credential.getClientExtensionResults ? credential.getClientExtensionResults() : {},
    };
  }

  function ceremony(options) {
    options.challenge = toBytes(options.challenge);
    if (options.user) {
      options.user.id = toBytes(options.user.id);
      options.excludeCredentials = withBytes(options.excludeCredentials);
      return navigator.credentials.create({ publicKey: options });
    }
    options.allowCredentials = withBytes(options.allowCredentials);
    return navigator.credentials.get({ publicKey: options });
  }

  function start(form, button) {
    var failed = form.querySelector("[data-passkey-failed]");
    failed.hidden = true;
    button.disabled = true;
    fetch(form.dataset.options, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": form.elements.csrf_token.value },
    })
      .then(function (response) {
        if (!response.ok) throw new Error("options " + response.status);
        return response.json();
      })
      .then(ceremony)
      .then(function (credential) {
        form.elements.credential.value = JSON.stringify(answer(credential));
        form.submit();
      })
      .catch(function () {
        failed.hidden = false;
        button.disabled = false;
      });
  }

  function offer() {
    if (!window.PublicKeyCredential) return;
    document.querySelectorAll("form[data-passkey-form]").forEach(function (form) {
      var button = form.querySelector("[data-passkey]");
      if (!button || !button.hidden) return;
      button.hidden = false;
      button.addEventListener("click", function () { start(form, button); });
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", offer);
  else offer();
})();
