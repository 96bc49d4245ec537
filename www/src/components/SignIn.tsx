import { LogIn } from "lucide-react";
import { useState } from "react";
import { devLogin, tokenUser } from "../api";

/** The dev login when the server offers it; a pasted bearer token otherwise. */
export function SignIn({ onToken }: { onToken: (token: string) => void }) {
  const [user, setUser] = useState("demo");
  const [token, setToken] = useState("");
  const [needToken, setNeedToken] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const login = async (e: React.FormEvent) => {
    e.preventDefault();
    setError(null);
    if (needToken) {
      const t = token.trim();
      if (!tokenUser(t)) return setError("That is not a bearer token (a JWT from `upload-server token --user ID`).");
      return onToken(t);
    }
    setBusy(true);
    try {
      const t = await devLogin(user.trim());
      if (t) onToken(t);
      else setNeedToken(true);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="signin">
      <form onSubmit={(e) => void login(e)} aria-label="Sign in">
        <h1>Rowpress</h1>
        <p className="note">Export tables to PDF, DOCX and XLSX in your browser.</p>
        {needToken ? (
          <label>
            Bearer token
            <textarea value={token} onChange={(e) => setToken(e.target.value)} rows={4} placeholder="eyJhbGciOi…" />
            <span className="note">This server has no development login: paste a token (`upload-server token --user ID`).</span>
          </label>
        ) : (
          <label>
            User
            <input value={user} onChange={(e) => setUser(e.target.value)} required maxLength={200} />
          </label>
        )}
        {error && (
          <p className="msg error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="btn primary" disabled={busy}>
          <LogIn size={16} aria-hidden /> Sign in
        </button>
      </form>
    </main>
  );
}
