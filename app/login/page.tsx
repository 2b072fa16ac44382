import type { Metadata } from "next";
import { LoginForm } from "@/components/ui/LoginForm";
import { safeNextPath } from "@/lib/safe-next";

export const metadata: Metadata = { title: "Sign in" };

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  const { next } = await searchParams;
  // Only same-site paths: never redirect to another origin after login.
  const target = safeNextPath(next);
  return (
    <div className="mx-auto mt-16 max-w-sm">
      <h1 className="text-2xl font-semibold tracking-tight">Sign in</h1>
      <p className="mt-2 text-sm text-slate-600 dark:text-slate-400">This QD Studio server is protected by an API token (QD_API_TOKEN).</p>
      <LoginForm next={target} />
    </div>
  );
}
