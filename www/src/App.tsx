import { LogOut, Plus, Table2, Wifi, WifiOff } from "lucide-react";
import { useCallback, useEffect, useMemo, useState } from "react";
import type { TableData } from "rowpress";
import { Api, ApiError, type Artifact, type ArtifactSummary, NetworkError, saveToken, savedToken, tokenUser } from "./api";
import { ArtifactPane } from "./components/ArtifactPane";
import { NewArtifact } from "./components/NewArtifact";
import { SignIn } from "./components/SignIn";
import { forgetAll, rememberArtifact, rememberArtifacts, rememberedArtifact, rememberedArtifacts, syncAll } from "./offline";

function useOnline(): boolean {
  const [online, setOnline] = useState(navigator.onLine);
  useEffect(() => {
    const up = () => setOnline(true);
    const down = () => setOnline(false);
    addEventListener("online", up);
    addEventListener("offline", down);
    return () => {
      removeEventListener("online", up);
      removeEventListener("offline", down);
    };
  }, []);
  return online;
}

export function App() {
  const [token, setToken] = useState<string | null>(() => {
    const t = savedToken();
    return t && tokenUser(t) ? t : null;
  });
  const signOut = useCallback(() => {
    saveToken(null);
    void forgetAll();
    setToken(null);
  }, []);
  const signIn = useCallback((t: string) => {
    saveToken(t);
    setToken(t);
  }, []);
  return token ? <Workspace token={token} onSignOut={signOut} /> : <SignIn onToken={signIn} />;
}

function Workspace({ token, onSignOut }: { token: string; onSignOut: () => void }) {
  const api = useMemo(() => new Api(token), [token]);
  const online = useOnline();
  const [artifacts, setArtifacts] = useState<ArtifactSummary[] | null>(null);
  const [selected, setSelected] = useState<Artifact | null>(null);
  const [creating, setCreating] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [syncs, setSyncs] = useState(0);

  const loadList = useCallback(async () => {
    try {
      const items = await api.artifacts();
      setArtifacts(items);
      void rememberArtifacts(api.userId, items);
    } catch (e) {
      if (e instanceof NetworkError) setArtifacts((await rememberedArtifacts(api.userId)) ?? []);
      // An expired or revoked token: sign in again (waiting uploads stay queued).
      else if (e instanceof ApiError && e.status === 401) onSignOut();
      else setError(e instanceof Error ? e.message : String(e));
    }
  }, [api, onSignOut]);

  const open = useCallback(
    async (id: string) => {
      setError(null);
      try {
        const a = await api.artifact(id);
        setSelected(a);
        void rememberArtifact(api.userId, a);
      } catch (e) {
        const cached = e instanceof NetworkError ? await rememberedArtifact(api.userId, id) : null;
        if (cached) setSelected(cached);
        else setError(e instanceof NetworkError ? "This table was not opened online on this device, so it is not available offline." : e instanceof Error ? e.message : String(e));
      }
    },
    [api],
  );

  const sync = useCallback(async () => {
    if (!navigator.onLine) return;
    const report = await syncAll(api).catch(() => null);
    if (report && (report.sent > 0 || report.refused > 0)) setSyncs((n) => n + 1);
  }, [api]);

  useEffect(() => {
    void loadList();
  }, [loadList]);
  // Send what waits at start, whenever the network comes back, and every
  // 30 s while online (the network can be up while the server is not).
  useEffect(() => {
    if (!online) return;
    void sync();
    const timer = setInterval(() => void sync(), 30_000);
    return () => clearInterval(timer);
  }, [online, sync]);

  const create = async (title: string | undefined, data: TableData) => {
    const a = await api.createArtifact(title, data);
    setCreating(false);
    setSelected(a);
    void rememberArtifact(api.userId, a);
    await loadList();
  };

  return (
    <div className="app">
      <aside className="sidebar" aria-label="Tables">
        <header>
          <h1>Rowpress</h1>
          <span className={online ? "net on" : "net off"} title={online ? "Online" : "Offline"}>
            {online ? <Wifi size={14} aria-hidden /> : <WifiOff size={14} aria-hidden />}
            {online ? "Online" : "Offline"}
          </span>
        </header>
        <button type="button" className="btn primary" onClick={() => setCreating(true)} disabled={!online}>
          <Plus size={16} aria-hidden /> New table
        </button>
        <ul className="artifact-list">
          {artifacts?.map((a) => (
            <li key={a.id}>
              <button
                type="button"
                className={selected?.id === a.id ? "item selected" : "item"}
                aria-current={selected?.id === a.id}
                onClick={() => void open(a.id)}
              >
                <Table2 size={14} aria-hidden />
                <span>{a.title ?? "Untitled table"}</span>
              </button>
            </li>
          ))}
        </ul>
        {artifacts?.length === 0 && <p className="note">No tables yet.</p>}
        <footer>
          <span className="note">Signed in as {api.userId}</span>
          <button type="button" className="btn icon" aria-label="Sign out" onClick={onSignOut}>
            <LogOut size={14} aria-hidden />
          </button>
        </footer>
      </aside>
      <main className="main">
        {error && (
          <p className="msg error" role="alert">
            {error}
          </p>
        )}
        {creating ? (
          <NewArtifact onCreate={create} onCancel={() => setCreating(false)} />
        ) : selected ? (
          <ArtifactPane key={selected.id} api={api} artifact={selected} online={online} syncs={syncs} onQueued={() => setSyncs((n) => n + 1)} />
        ) : (
          <p className="empty">Choose a table, or make a new one.</p>
        )}
      </main>
    </div>
  );
}
