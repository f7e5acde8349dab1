import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { initToken } from './app/api';
import { App } from './app/App';
import './ui/styles.css';

initToken();

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
