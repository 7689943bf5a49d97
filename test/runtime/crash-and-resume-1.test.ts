import { describeCrashAndResume } from './crash-and-resume.js';

describeCrashAndResume(0, 2);
