"""Staff confirm a password sign-in with a second factor: a passkey, or a code from an authenticator app
(with ten one-time recovery codes). Until they do, their sign-in is half done (see `signing_in`)."""
