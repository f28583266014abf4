import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { currentUser } from "../services/session.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await currentUser(context.app, request);
  throw redirect(user ? "/calendar" : "/login");
}
