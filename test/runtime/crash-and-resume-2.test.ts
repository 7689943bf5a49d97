import { describeCrashAndResume } from './crash-and-resume.js';

describeCrashAndResume(1, 2);
