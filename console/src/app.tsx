import { useEffect, useState } from 'preact/hooks';
import { apiToken } from './api.js';
import { ModelsPage } from './models-page.js';
import { SubmitForm } from './submit-form.js';
import { TaskList } from './task-list.js';
import { TaskPage } from './task-page.js';

/** The page the address's fragment names: `#/`, `#/tasks/<id>`, `#/models`. */
function useRoute(): string {
  const [route, setRoute] = useState(window.location.hash.slice(1) || '/');
  useEffect(() => {
    const changed = () => setRoute(window.location.hash.slice(1) || '/');
    window.addEventListener('hashchange', changed);
    return () => window.removeEventListener('hashchange', changed);
  }, []);
  return route;
}

export function App() {
  apiToken(); // takes a #token=… from the address before anything is fetched
  const route = useRoute();
  const taskId = /^\/tasks\/([A-Za-z0-9_-]+)/.exec(route)?.[1];
  return (
    <>
      <header>
        <strong>cto-orchestrator</strong>
        <nav>
          <a href="#/" class={route === '/' ? 'current' : ''}>
            Tasks
          </a>
          <a href="#/models" class={route === '/models' ? 'current' : ''}>
            Models and money
          </a>
          <a href="/openapi.json">API</a>
        </nav>
      </header>
      <main>
        {taskId ? (
          <TaskPage id={taskId} />
        ) : route === '/models' ? (
          <ModelsPage />
        ) : (
          <>
            <SubmitForm />
            <TaskList />
          </>
        )}
      </main>
    </>
  );
}
