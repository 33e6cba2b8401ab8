// The words of the logged-out screens: log in and create an account.

import { defineWords } from "./_i18n.ts";

/** The account forms' words. */
export const ACCOUNT_WORDS = defineWords({
  en: {
    rememberDevice: "Remember this device",
    logInTitle: "Log in",
    username: "Username",
    password: "Password",
    loggingIn: "Logging in…",
    logIn: "Log in",
    newHere: "New here?",
    createAnAccount: "Create an account",
    registerTitle: "Create an account",
    nickname: "Nickname",
    nicknamePlaceholder: "Any script: 小明, Zoë…",
    repeatPassword: "Repeat password",
    inviteCode: "Invite code",
    invitePlaceholder: "From the server's operator",
    passwordsDiffer: "The passwords do not match",
    fillEveryField: "Fill in every field as described",
    creatingAccount: "Creating account…",
    createAccount: "Create account",
    haveAccount: "Have an account?",
    notRemembered: (why: string) => `You are logged in, but this browser will not stay signed in: ${why}`,
    createdButLoginFailed: (username: string, why: string) =>
      `Your account ${username} was created, but logging in failed: ${why}`,
  },
  "zh-CN": {
    rememberDevice: "记住这台设备",
    logInTitle: "登录",
    username: "用户名",
    password: "密码",
    loggingIn: "正在登录…",
    logIn: "登录",
    newHere: "第一次来？",
    createAnAccount: "注册账号",
    registerTitle: "注册账号",
    nickname: "昵称",
    nicknamePlaceholder: "任何文字：小明、Zoë…",
    repeatPassword: "再次输入密码",
    inviteCode: "邀请码",
    invitePlaceholder: "向服务器管理员索取",
    passwordsDiffer: "两次输入的密码不一致",
    fillEveryField: "请按说明填写每一项",
    creatingAccount: "正在注册…",
    createAccount: "注册",
    haveAccount: "已有账号？",
    notRemembered: (why: string) => `你已登录，但这个浏览器不会保持登录：${why}`,
    createdButLoginFailed: (username: string, why: string) => `账号 ${username} 已创建，但登录失败：${why}`,
  },
});
