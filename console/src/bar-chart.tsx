import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  type ChartDataset,
  Legend,
  LinearScale,
  Tooltip,
} from 'chart.js';
import { useEffect, useRef } from 'preact/hooks';

// Only the parts these charts use: Chart.js is tree-shaken down to them.
Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip, Legend);

const palette = ['#2f6fdf', '#e07b39', '#3a9d5d', '#b04fb0', '#c23b3b', '#7a7a7a', '#1aa3a3'];

/**
 * A bar chart (Chart.js on a canvas), redrawn when its data changes.
 *
 * @example
 * <BarChart labels={['deepseek']} datasets={[{ label: 'approval %', data: [62] }]} />
 */
export function BarChart({
  labels,
  datasets,
  label,
  stacked = false,
  max,
}: {
  labels: string[];
  datasets: { label: string; data: number[] }[];
  label: string;
  stacked?: boolean;
  max?: number;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!canvas.current) return;
    const chart = new Chart(canvas.current, {
      type: 'bar',
      data: {
        labels,
        datasets: datasets.map(
          (d, i): ChartDataset<'bar'> => ({ ...d, backgroundColor: palette[i % palette.length] }),
        ),
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        scales: {
          x: { stacked },
          y: { stacked, beginAtZero: true, ...(max !== undefined ? { max } : {}) },
        },
      },
    });
    return () => chart.destroy();
  }, [JSON.stringify([labels, datasets, stacked, max])]);
  return (
    <div class="chart">
      <canvas ref={canvas} role="img" aria-label={label} />
    </div>
  );
}
