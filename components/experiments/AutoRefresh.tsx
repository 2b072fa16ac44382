"use client";
/** Re-renders the (server) page every few seconds while something is running. */
import { useEffect } from "react";
import { useRouter } from "next/navigation";

export function AutoRefresh({ every = 2000, enabled }: { every?: number; enabled: boolean }) {
  const router = useRouter();
  useEffect(() => {
    if (!enabled) return;
    const t = setInterval(() => router.refresh(), every);
    return () => clearInterval(t);
  }, [enabled, every, router]);
  return null;
}
