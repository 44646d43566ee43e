// The two-factor page: once a passkey is registered, reload to list it with the other devices.
document.addEventListener("otp_webauthn.register_complete", () => {
  window.location.reload();
});
